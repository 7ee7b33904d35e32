//! What every request and response passes through, in one layer and in this order:
//! security headers (outermost), the body limit, pages in one piece, the client's
//! address, the cross-site refusal, a refused form's typed values, and the session.
//!
//! One layer, not seven: each of axum's `from_fn` layers clones the stack beneath it,
//! boxes it and boxes its own future on every request. Seven of them took about a tenth
//! of the home page's CPU and a fifth of a static file's (`scripts/bench`, the HTTP
//! table in the README). Each step's rules stay in its own module.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use app::server::AppState;

use crate::body_limit::{limit_body, refuse_too_large};
use crate::client_address::{attach_client_address, TrustedProxies};
use crate::csrf::{refuse_cross_site, TrustedOrigins};
use crate::form_errors::{keep_typed_values_out, restore_typed_values};
use crate::security::{add_security_headers, is_static_asset, mint_nonce, SecurityHeaders};
use crate::session_layer::attach_session;
use crate::whole_pages::whole_page;

/// What the steps need. Held in an `Arc`: axum clones a layer's state twice per request.
pub struct EveryRequest {
    pub state: AppState,
    pub security: SecurityHeaders,
    pub origins: TrustedOrigins,
    pub proxies: TrustedProxies,
}

pub async fn every_request(
    State(every): State<Arc<EveryRequest>>,
    mut request: Request,
    next: Next,
) -> Response {
    let nonce = mint_nonce(&mut request);
    let asset = is_static_asset(request.uri().path());
    let mut response = match refuse_too_large(&request) {
        Some(refused) => refused,
        None => whole_page(within_limit(&every, limit_body(request), next).await).await,
    };
    add_security_headers(every.security, &nonce, asset, &mut response);
    response
}

/// The steps inside the body limit and the whole page.
async fn within_limit(every: &EveryRequest, mut request: Request, next: Next) -> Response {
    attach_client_address(&every.proxies, &mut request);
    if let Some(refused) = refuse_cross_site(&every.origins, &request) {
        return refused;
    }
    let browser = restore_typed_values(&every.state, &mut request).await;
    attach_session(&every.state, &mut request).await;
    let response = next.run(request).await;
    keep_typed_values_out(&every.state, browser, response).await
}
