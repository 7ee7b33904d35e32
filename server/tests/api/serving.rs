//! How files and pages are served: on the wire, compressed and cached.

use axum::serve::Listener as _;
use tokio::net::{TcpListener, TcpStream};

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
