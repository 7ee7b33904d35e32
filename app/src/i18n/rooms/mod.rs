//! Strings of the video rooms: the therapist's list of rooms and the room page.
//! The room's live controls are drawn by `public/room.js`; their strings travel to it
//! as one JSON object (`client`) in a data attribute.

mod en;
mod nb;
mod nn;

pub use en::EN;
pub use nb::NB;
pub use nn::NN;

pub struct RoomTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub nav: &'static str,
    pub create_heading: &'static str,
    pub field_title: &'static str,
    pub create_submit: &'static str,
    pub list_heading: &'static str,
    pub empty: &'static str,
    pub open: &'static str,
    pub share_hint: &'static str,
    pub share_copy: &'static str,
    pub share_copied: &'static str,
    pub ended: &'static str,
    pub created: &'static str,
    pub attendance: &'static str,
    pub attendance_empty: &'static str,
    pub col_name: &'static str,
    pub col_role: &'static str,
    pub col_joined: &'static str,
    pub col_left: &'static str,
    pub role_host: &'static str,
    pub role_participant: &'static str,
    pub still_in: &'static str,
    pub needs_js: &'static str,
    pub privacy: &'static str,
    pub join_heading: &'static str,
    pub your_name: &'static str,
    pub your_name_hint: &'static str,
    pub audio_only: &'static str,
    pub camera: &'static str,
    pub microphone: &'static str,
    pub preview: &'static str,
    pub join: &'static str,
    pub start: &'static str,
    pub session_ended: &'static str,
    pub not_found: &'static str,
    /// The live room's strings, as a JSON object for `room.js`.
    pub client: &'static str,
}

#[cfg(all(test, feature = "ssr"))]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn keys(json: &str) -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        let mut keys: Vec<String> = value
            .as_object()
            .expect("an object")
            .iter()
            .map(|(key, text)| {
                assert!(
                    text.as_str().is_some_and(|t| !t.trim().is_empty()),
                    "{key} is empty"
                );
                key.clone()
            })
            .collect();
        keys.sort();
        keys
    }

    #[test]
    fn the_live_rooms_strings_are_valid_json_with_the_same_keys_in_every_language() {
        let english = keys(EN.client);
        assert_eq!(keys(NB.client), english);
        assert_eq!(keys(NN.client), english);
    }

    #[test]
    fn every_string_room_js_asks_for_exists() {
        let script = include_str!("../../../../public/room.js");
        let english = keys(EN.client);
        let asked: Vec<&str> = script
            .split("say('")
            .skip(1)
            .filter_map(|rest| rest.split_once('\''))
            .map(|(key, _)| key)
            .collect();
        assert!(asked.len() > 20, "{asked:?}");
        for key in asked {
            assert!(english.iter().any(|k| k == key), "room.js asks for {key}");
        }
    }
}
