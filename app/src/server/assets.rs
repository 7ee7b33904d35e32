//! The site's own files as the build published them: each under a name with a hash of
//! its contents (`rph.css` → `rph.0123456789abcdef.css`), listed in `pkg/manifest.json`.

use std::collections::HashMap;
use std::path::Path;

use leptos::prelude::*;

use super::AppState;

/// Plain name → published name. Without a manifest (a site built before hashing, or
/// none at all) every file keeps its plain name.
#[derive(Clone, Debug, Default)]
pub struct Assets {
    published: HashMap<String, String>,
}

impl Assets {
    /// Reads `manifest.json` from the site's `pkg` directory.
    pub fn load(pkg: &Path) -> Assets {
        let published = std::fs::read_to_string(pkg.join("manifest.json"))
            .ok()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        Assets { published }
    }

    /// The address of a file by its plain name.
    pub fn url(&self, name: &str) -> String {
        let published = self.published.get(name).map_or(name, String::as_str);
        format!("/pkg/{published}")
    }
}

/// The address of one of the site's files, in a page being rendered.
pub fn asset_url(name: &str) -> String {
    match use_context::<AppState>() {
        Some(state) => state.site.assets.url(name),
        None => Assets::default().url(name),
    }
}

/// Whether a file name carries a content hash: such a file never changes.
pub fn is_published_name(name: &str) -> bool {
    let mut parts = name.rsplit('.');
    let _extension = parts.next();
    parts
        .next()
        .is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts.next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_published_name_has_sixteen_hex_digits_before_its_extension() {
        assert!(is_published_name("rph.0123456789abcdef.css"));
        assert!(is_published_name("rph_bg.0123456789abcdef.wasm"));
        assert!(!is_published_name("rph.css"));
        assert!(!is_published_name("0123456789abcdef.css"));
        assert!(!is_published_name("rph.0123456789abcdeg.css"));
    }

    #[test]
    fn without_a_manifest_a_file_keeps_its_plain_name() {
        assert_eq!(Assets::default().url("rph.css"), "/pkg/rph.css");
    }
}
