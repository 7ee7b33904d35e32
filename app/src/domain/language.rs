//! The interface languages and how a browser's preference picks one.

use serde::{Deserialize, Serialize};

/// A language the interface is written in. Bokmål is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Nb,
    Nn,
    En,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::Nb, Lang::Nn, Lang::En];

    /// The BCP 47 code used in `lang` attributes, cookies and URLs.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nb => "nb",
            Lang::Nn => "nn",
            Lang::En => "en",
        }
    }

    /// The language's name in itself, as a language switch shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::Nb => "Bokmål",
            Lang::Nn => "Nynorsk",
            Lang::En => "English",
        }
    }

    /// Parses one of our own codes (`nb`, `nn`, `en`), as stored in the cookie.
    pub fn from_code(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "nb" => Some(Lang::Nb),
            "nn" => Some(Lang::Nn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Maps a language tag from a browser (`nb-NO`, `no`, `nn`, `en-GB`) to ours.
    fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next()?.trim().to_ascii_lowercase();
        match primary.as_str() {
            // Plain "no" (Norwegian) is written in bokmål by most people.
            "nb" | "no" => Some(Lang::Nb),
            "nn" => Some(Lang::Nn),
            "en" => Some(Lang::En),
            _ => None,
        }
    }

    /// Picks the best language from an `Accept-Language` header, honouring
    /// quality values; a header naming none of ours gives the default.
    pub fn from_accept_language(header: &str) -> Lang {
        let mut best: Option<(f32, usize, Lang)> = None;
        for (index, part) in header.split(',').enumerate() {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            if quality <= 0.0 {
                continue;
            }
            let Some(lang) = Lang::from_tag(tag) else {
                continue;
            };
            // Higher quality wins; among equals, the one listed first.
            let better = match best {
                None => true,
                Some((q, i, _)) => quality > q || (quality == q && index < i),
            };
            if better {
                best = Some((quality, index, lang));
            }
        }
        best.map(|(_, _, lang)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("de"), None);
    }

    #[test]
    fn norwegian_tags_map_to_bokmal_or_nynorsk() {
        assert_eq!(Lang::from_accept_language("nb-NO"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("no"), Lang::Nb);
        assert_eq!(Lang::from_accept_language("nn-NO,nn;q=0.9"), Lang::Nn);
    }

    #[test]
    fn english_browser_gets_english() {
        assert_eq!(Lang::from_accept_language("en-GB,en;q=0.9"), Lang::En);
    }

    #[test]
    fn quality_values_are_honoured() {
        assert_eq!(Lang::from_accept_language("en;q=0.4, nn;q=0.8"), Lang::Nn);
        assert_eq!(Lang::from_accept_language("nn;q=0, en"), Lang::En);
    }

    #[test]
    fn unknown_or_empty_header_falls_back_to_bokmal() {
        assert_eq!(Lang::from_accept_language("de-DE,fr;q=0.5"), Lang::Nb);
        assert_eq!(Lang::from_accept_language(""), Lang::Nb);
        assert_eq!(Lang::from_accept_language("*"), Lang::Nb);
    }

    #[test]
    fn first_supported_language_wins_among_equals() {
        assert_eq!(Lang::from_accept_language("sv, en, nb"), Lang::En);
    }
}
