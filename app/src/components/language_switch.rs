//! Links to switch the interface language; they work with and without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::i18n::{use_lang, use_texts, Lang};

/// One link per language. The server remembers the choice in a cookie and
/// sends the person back to the page they were on.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let t = use_texts();
    let current = use_lang();
    let location = use_location();
    let links = Lang::ALL
        .into_iter()
        .map(|lang| {
            let href = move || {
                format!(
                    "/language/{}?to={}",
                    lang.code(),
                    encode_path(&location.pathname.get())
                )
            };
            view! {
                <li>
                    <a
                        href=href
                        rel="external"
                        lang=lang.code()
                        hreflang=lang.code()
                        aria-current=(lang == current).then_some("true")
                    >
                        {lang.native_name()}
                    </a>
                </li>
            }
        })
        .collect_view();
    view! {
        <nav class="language-switch" aria-label=t.language_label>
            <ul>{links}</ul>
        </nav>
    }
}

/// Percent-encodes the characters that would break a query value.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_path;

    #[test]
    fn paths_are_encoded_for_a_query_value() {
        assert_eq!(encode_path("/kurs/søvn"), "/kurs/s%C3%B8vn");
        assert_eq!(encode_path("/a?b=c&d"), "/a%3Fb%3Dc%26d");
    }
}
