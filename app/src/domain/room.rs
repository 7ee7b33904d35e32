//! Rules for video rooms that need no I/O: the name a person is shown by, and the
//! title of a room.

/// The longest shown name: enough for a first name or an alias, too short for a
/// full name with details.
pub const MAX_SHOWN_NAME: usize = 30;
/// The longest room title.
pub const MAX_TITLE: usize = 80;

/// The name others see: what the person chose (an alias is fine), or else the first
/// word of their account name. Control characters are removed and spaces collapsed.
pub fn shown_name(chosen: &str, account_name: &str) -> String {
    let cleaned = collapse(chosen, MAX_SHOWN_NAME);
    if !cleaned.is_empty() {
        return cleaned;
    }
    let first = account_name.split_whitespace().next().unwrap_or("");
    let first = collapse(first, MAX_SHOWN_NAME);
    if first.is_empty() {
        "?".to_owned()
    } else {
        first
    }
}

/// A room title, cleaned; `None` when nothing is left.
pub fn clean_title(title: &str) -> Option<String> {
    let cleaned = collapse(title, MAX_TITLE);
    (!cleaned.is_empty()).then_some(cleaned)
}

fn collapse(text: &str, limit: usize) -> String {
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect();
    words
        .join(" ")
        .chars()
        .take(limit)
        .collect::<String>()
        .trim()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_alias_is_used_as_it_is_written() {
        assert_eq!(shown_name("  Sol  ", "Kari Nordmann"), "Sol");
    }

    #[test]
    fn without_a_choice_the_first_name_is_shown_and_never_the_surname() {
        assert_eq!(shown_name("", "Kari Anne Nordmann"), "Kari");
        assert_eq!(shown_name(" \t ", "Ola Nordmann"), "Ola");
    }

    #[test]
    fn control_characters_and_runs_of_spaces_are_removed() {
        assert_eq!(shown_name("Anne\u{0}\n  Lise", "x"), "Anne Lise");
    }

    #[test]
    fn a_long_name_is_cut_to_the_limit() {
        let long = "a".repeat(100);
        assert_eq!(shown_name(&long, "x").chars().count(), MAX_SHOWN_NAME);
    }

    #[test]
    fn an_empty_title_is_refused_and_a_title_is_tidied() {
        assert_eq!(clean_title("   "), None);
        assert_eq!(
            clean_title(" Kurs  i  mestring "),
            Some("Kurs i mestring".to_owned())
        );
    }
}
