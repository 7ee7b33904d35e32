//! "Questions? Call us on 12 34 56 78, …": the service's number in its sentence, as a
//! link a phone can call.

use leptos::prelude::*;

/// The sentence `text` with `phone` in it made a link that calls it.
pub fn call_us(phone: &str, text: &str) -> impl IntoView {
    let (before, after) = text.split_once(phone).unwrap_or((text, ""));
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let number = (!after.is_empty() || text.ends_with(phone)).then(|| {
        view! { <a href=format!("tel:+47{digits}") class="phone">{phone.to_owned()}</a> }
    });
    view! { <p class="call-us">{before.to_owned()} {number} {after.to_owned()}</p> }
}
