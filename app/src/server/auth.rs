//! Who is asking: the session the request layer found, and the address it came from.

use std::net::IpAddr;

use leptos::prelude::*;

use super::sessions::LiveSession;

/// The session of the request being served, put there by the request layer.
#[derive(Clone, Debug)]
pub struct CurrentSession {
    pub session: LiveSession,
    /// The cookie token, needed to end or replace this session.
    pub token: String,
}

/// The request's session at any stage, from inside a server function or page.
pub fn current_session() -> Option<CurrentSession> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<CurrentSession>()
        .cloned()
}

/// The address a request came from, as the request layer worked it out once: the
/// socket's peer, or the client a trusted proxy forwarded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientAddress(pub IpAddr);

/// The address the request came from, from inside a server function or page.
pub fn client_ip() -> Option<IpAddr> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<ClientAddress>()
        .map(|address| address.0)
}

/// Starts a new session for the account in this browser, ending the one it had (a
/// new id at every login and change of privilege: an old or planted cookie is worth
/// nothing). A full session also marks the browser as one the account has used.
pub async fn sign_in(
    db: &super::Db,
    old_token: Option<&str>,
    account_id: i64,
    stage: crate::domain::identity::SessionStage,
    production: bool,
) -> Result<(), sqlx::Error> {
    super::sessions::replace(db, old_token, account_id, stage, production).await?;
    if stage == crate::domain::identity::SessionStage::Full {
        super::known_devices::remember_this_browser(db, account_id, production).await?;
    }
    Ok(())
}
