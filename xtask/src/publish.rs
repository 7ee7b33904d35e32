//! Publishes the site's files for long caching: each under a name with a hash of its
//! contents (so a changed file is a new address and an unchanged one is never fetched
//! again), each precompressed once with brotli and gzip (so the server only picks one),
//! and a manifest from each file's plain name to its published name.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// The manifest's file name inside `pkg/`, read by the server at start-up.
pub const MANIFEST: &str = "manifest.json";

/// Publishes each of `files` (plain name, source) into `pkg`, and writes the manifest;
/// `best` compresses hardest (release builds).
pub fn publish(pkg: &Path, files: &[(&str, &Path)], best: bool) -> Result<()> {
    let mut manifest = BTreeMap::new();
    for (name, source) in files {
        let bytes =
            std::fs::read(source).with_context(|| format!("reading {}", source.display()))?;
        let published = hashed_name(name, &bytes);
        let copies = compressed(&bytes, best)?;
        // The plain name too, for a page cached before this build (served revalidated).
        for file in [published.as_str(), name] {
            let path = pkg.join(file);
            std::fs::write(&path, &bytes).with_context(|| format!("writing {}", path.display()))?;
            for (suffix, copy) in &copies {
                std::fs::write(with_suffix(&path, suffix), copy)?;
            }
        }
        manifest.insert(name.to_string(), published);
    }
    let json = serde_json::to_string_pretty(&manifest)?;
    std::fs::write(pkg.join(MANIFEST), json).context("writing the manifest")?;
    Ok(())
}

/// `rph.css` becomes `rph.0123456789abcdef.css`: the first 64 bits of its SHA-256.
fn hashed_name(name: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hash: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
    match name.rsplit_once('.') {
        Some((stem, extension)) => format!("{stem}.{hash}.{extension}"),
        None => format!("{name}.{hash}"),
    }
}

/// The gzip and brotli copies of a file. `best` spends the time on the smallest files
/// (release builds); otherwise a fast level (brotli at its best takes seconds on the
/// unoptimised debug bundle).
fn compressed(bytes: &[u8], best: bool) -> Result<[(&'static str, Vec<u8>); 2]> {
    let level = if best {
        flate2::Compression::best()
    } else {
        flate2::Compression::fast()
    };
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), level);
    gzip.write_all(bytes)?;
    let mut brotli = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: if best { 11 } else { 4 },
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut brotli, &params)?;
    Ok([("gz", gzip.finish()?), ("br", brotli)])
}

fn with_suffix(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    name.into()
}

#[cfg(test)]
mod tests {
    use super::hashed_name;

    #[test]
    fn the_hash_goes_before_the_extension_and_follows_the_contents() {
        let a = hashed_name("rph.css", b"body{}");
        assert!(a.starts_with("rph.") && a.ends_with(".css") && a.len() == "rph..css".len() + 16);
        assert_ne!(a, hashed_name("rph.css", b"body{ }"));
        assert_eq!(a, hashed_name("rph.css", b"body{}"));
    }
}
