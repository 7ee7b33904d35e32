//! Paths on this site carried in a query: where to go back to after a language switch
//! or a login.

/// Only paths on this site: never `//other.site`, `/\other.site` or `https://…`, which
/// would turn a "go back" into an open redirect.
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.starts_with("/\\")
        && !path.chars().any(|c| c.is_control())
}

/// Percent-encodes the characters that would break a query value.
pub fn encode_query_value(path: &str) -> String {
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
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/"));
        assert!(is_local_path("/kurs/søvn"));
        assert!(is_local_path("/rooms/abc?x=1"));
        assert!(!is_local_path("//evil.example/"));
        assert!(!is_local_path("/\\evil.example"));
        assert!(!is_local_path("https://evil.example"));
        assert!(!is_local_path("evil.example"));
        assert!(!is_local_path("/a\r\nSet-Cookie: x=y"));
    }

    #[test]
    fn paths_are_encoded_for_a_query_value() {
        assert_eq!(encode_query_value("/kurs/søvn"), "/kurs/s%C3%B8vn");
        assert_eq!(encode_query_value("/a?b=c&d"), "/a%3Fb%3Dc%26d");
    }
}
