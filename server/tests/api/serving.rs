//! How files and pages are served: on the wire, compressed and cached.

use axum::serve::Listener as _;
use tokio::net::{TcpListener, TcpStream};

use app::server::Backend;

use crate::helpers::TestApp;

#[tokio::test]
async fn accepted_connections_send_without_waiting_for_an_ack() {
    // Nagle's algorithm holds back the body of a response written after its headers
    // until the browser acknowledges them, which it delays by 40 ms.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let mut listener = server::startup::without_delay(listener);
    let client = tokio::spawn(TcpStream::connect(address));
    let (accepted, _) = listener.accept().await;
    let _client = client.await.unwrap().unwrap();
    assert!(
        accepted.nodelay().unwrap(),
        "an accepted connection still has Nagle's algorithm on"
    );
}

/// A site directory as the build leaves it: a published stylesheet with its compressed
/// copies, the plain-named one, and the manifest.
fn built_site() -> std::path::PathBuf {
    let site = crate::helpers::scratch_dir("site");
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    for (name, body) in [
        ("rph.0123456789abcdef.css", "body{}"),
        ("rph.0123456789abcdef.css.br", "brotli bytes"),
        ("rph.0123456789abcdef.css.gz", "gzip bytes"),
        ("rph.css", "body{}"),
        ("rph.css.br", "brotli bytes"),
        ("rph.css.gz", "gzip bytes"),
    ] {
        std::fs::write(pkg.join(name), body).unwrap();
    }
    std::fs::write(
        pkg.join("manifest.json"),
        r#"{"rph.css": "rph.0123456789abcdef.css"}"#,
    )
    .unwrap();
    site
}

async fn spawn_with_site() -> TestApp {
    let site = built_site();
    TestApp::spawn_with(
        Backend::Sqlite,
        &[("RPH_SITE_ROOT", site.to_str().unwrap())],
    )
    .await
}

#[tokio::test]
async fn pages_link_the_published_stylesheet_and_are_never_stored() {
    let app = spawn_with_site().await;
    let page = app.get("/").await;
    assert_eq!(page.headers()["cache-control"], "no-store");
    let html = page.text().await.unwrap();
    assert!(
        html.contains(r#"href="/pkg/rph.0123456789abcdef.css""#),
        "the page does not link the hashed stylesheet"
    );
    assert!(
        !html.contains("rel=\"preload\""),
        "a page preloads the bundle"
    );
}

/// Leptos streams a page in chunks even when all of it is rendered before the first
/// byte; sent so, a page took several writes (`Transfer-Encoding: chunked`). It goes in
/// one piece, with its length, and whole.
#[tokio::test]
async fn a_page_is_sent_in_one_piece_with_its_length() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/", "/login", "/services/demo", "/no-such-page"] {
        let page = app.get(path).await;
        let headers = page.headers().clone();
        assert!(
            headers.get("transfer-encoding").is_none(),
            "{path} is sent in chunks"
        );
        let length: usize = headers["content-length"].to_str().unwrap().parse().unwrap();
        let html = page.text().await.unwrap();
        assert_eq!(html.len(), length, "{path} is not whole");
        // Leptos adds its scripts after the document's end: the last chunk is there too.
        assert!(html.contains("</html>"), "{path} is cut short");
    }
}

#[tokio::test]
async fn a_published_file_comes_compressed_as_the_browser_asks_and_is_kept_a_year() {
    let app = spawn_with_site().await;
    let path = "/pkg/rph.0123456789abcdef.css";
    for (accepts, encoding, body) in [
        ("gzip, deflate, br", Some("br"), "brotli bytes"),
        ("gzip", Some("gzip"), "gzip bytes"),
        ("identity", None, "body{}"),
    ] {
        let response = app
            .client
            .get(app.url(path))
            .header("accept-encoding", accepts)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{accepts}");
        assert_eq!(
            response
                .headers()
                .get("content-encoding")
                .map(|v| v.to_str().unwrap()),
            encoding,
            "{accepts}"
        );
        assert_eq!(
            response.headers()["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert_eq!(response.text().await.unwrap(), body, "{accepts}");
    }
}

#[tokio::test]
async fn a_plain_named_file_is_revalidated_and_not_sent_again_when_unchanged() {
    let app = spawn_with_site().await;
    let first = app
        .client
        .get(app.url("/pkg/rph.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let modified = first.headers()["last-modified"].clone();
    let again = app
        .client
        .get(app.url("/pkg/rph.css"))
        .header("if-modified-since", modified)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
}
