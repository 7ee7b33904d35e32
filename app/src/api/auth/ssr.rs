//! The work behind the auth server functions: who is asking, then the repositories.

use super::types::*;
use crate::domain::capability::Kind;
use crate::domain::identity::AccountKind;
use crate::error::AppError;

/// Where to go once signed in: the page asked for, if it is on this site, else My page.
fn return_to(next: &str) -> String {
    if crate::domain::path::is_local_path(next) {
        next.to_owned()
    } else {
        "/account".to_owned()
    }
}

pub async fn login(email: String, password: String, next: String) -> Result<(), AppError> {
    use crate::domain::identity::{normalise_email, SessionStage};
    use crate::server::auth::sign_in;
    use crate::server::auth::{client_ip, current_session};
    use crate::server::passwords::{self, Password};
    use crate::server::{accounts, known_devices, rate_limit, state::app_state};

    let state = app_state()?;
    let db = &state.db;
    let production = state.site.production;
    let typed = email.trim().to_owned();
    let normalised = normalise_email(&typed);
    let record = match &normalised {
        Some(email) => accounts::find_for_login(db, email).await?,
        None => None,
    };
    let known_browser = match &record {
        Some(record) => known_devices::this_browser(db, record.account_id, production).await?,
        None => None,
    };
    // Every attempt counts before the password is checked, so a burst cannot slip
    // through; one that succeeds is taken back.
    let buckets = login_buckets(
        &accounts::fingerprint(normalised.as_deref().unwrap_or(&typed)),
        client_ip(),
        known_browser.as_deref(),
    );
    if !rate_limit::hit_all(db, &buckets).await? {
        return Err(AppError::RateLimited);
    }

    let stored = record.as_ref().and_then(|r| r.password_hash.clone());
    // Verified against a dummy hash when there is no account: same time, same answer.
    let verified = passwords::verify(Password::new(password), stored).await?;
    let Some(record) = record.filter(|_| verified) else {
        return Err(AppError::LoginFailed { email: typed });
    };
    rate_limit::forgive(db, &buckets).await?;
    if !record.email_verified {
        return Err(AppError::EmailNotVerified);
    }

    // Whoever has a second factor gives it; staff in production always (they enrol first).
    let needs_code = record.totp_secret.is_some()
        || (record.kind == AccountKind::Staff && state.site.production);
    let stage = if needs_code {
        SessionStage::Password
    } else {
        SessionStage::Full
    };
    // A new session id at every login: an old or planted cookie is worth nothing.
    let old = current_session().map(|c| c.token);
    sign_in(db, old.as_deref(), record.account_id, stage, production).await?;
    tracing::info!(
        account_id = record.account_id,
        stage = stage.as_str(),
        "logged in"
    );
    let to = match (needs_code, record.totp_secret.is_some()) {
        (false, _) => return_to(&next),
        (true, true) if crate::domain::path::is_local_path(&next) => format!(
            "/login/code?next={}",
            crate::domain::path::encode_query_value(&next)
        ),
        (true, true) => "/login/code".to_owned(),
        // Production staff without a second factor must enrol before anything else.
        (true, false) => "/account/second-factor".to_owned(),
    };
    leptos_axum::redirect(&to);
    Ok(())
}

/// The limits a login attempt counts against, narrowest first. A browser that has
/// signed in to the account before has its own count; any other is counted by account
/// and address, by address, and with every other new browser of the account, so an
/// attacker can hold back their own attempts and other new browsers, never the owner's.
fn login_buckets(
    account: &str,
    address: Option<std::net::IpAddr>,
    known_browser: Option<&str>,
) -> Vec<(String, crate::server::rate_limit::Limit)> {
    use crate::server::rate_limit::{
        LOGIN_PER_ACCOUNT_AND_ADDRESS, LOGIN_PER_ACCOUNT_FROM_NEW_DEVICES, LOGIN_PER_ADDRESS,
        LOGIN_PER_KNOWN_DEVICE,
    };
    if let Some(device) = known_browser {
        return vec![(format!("login:device:{device}"), LOGIN_PER_KNOWN_DEVICE)];
    }
    let mut buckets = Vec::new();
    if let Some(ip) = address {
        buckets.push((
            format!("login:account:{account}:ip:{ip}"),
            LOGIN_PER_ACCOUNT_AND_ADDRESS,
        ));
        buckets.push((format!("login:ip:{ip}"), LOGIN_PER_ADDRESS));
    }
    buckets.push((
        format!("login:account:{account}:new-browsers"),
        LOGIN_PER_ACCOUNT_FROM_NEW_DEVICES,
    ));
    buckets
}

pub async fn second_factor(code: String, next: String) -> Result<(), AppError> {
    use crate::domain::identity::SessionStage;
    use crate::server::auth::current_session;
    use crate::server::auth::sign_in;
    use crate::server::rate_limit::{self, CODE_PER_ACCOUNT};
    use crate::server::{second_factor, state::app_state};

    let current = current_session()
        .filter(|s| s.session.stage == SessionStage::Password)
        .ok_or(AppError::Unauthenticated)?;
    let state = app_state()?;
    let db = &state.db;
    let account_id = current.session.account_id;
    let buckets = [(
        format!("second-factor:account:{account_id}"),
        CODE_PER_ACCOUNT,
    )];
    if !rate_limit::hit_all(db, &buckets).await? {
        return Err(AppError::RateLimited);
    }
    let accepted = second_factor::accept_code(db, account_id, &code).await?;
    if !accepted {
        return Err(AppError::WrongCode);
    }
    rate_limit::forgive(db, &buckets).await?;
    // A new session id at the change of privilege.
    sign_in(
        db,
        Some(&current.token),
        account_id,
        SessionStage::Full,
        state.site.production,
    )
    .await?;
    tracing::info!(account_id, "second factor accepted");
    leptos_axum::redirect(&return_to(&next));
    Ok(())
}

pub async fn logout_everywhere() -> Result<(), AppError> {
    use crate::server::cookies::{clear_session_cookie, set_cookie};
    use crate::server::principal::Principal;
    use crate::server::{known_devices, sessions, state::app_state};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let ended = sessions::end_all_for_account(&state.db, principal.account_id).await?;
    known_devices::forget_all(&state.db, principal.account_id).await?;
    set_cookie(&clear_session_cookie(state.site.production));
    tracing::info!(
        account_id = principal.account_id,
        ended,
        "logged out everywhere"
    );
    leptos_axum::redirect("/");
    Ok(())
}

pub async fn my_account() -> Result<AccountView, AppError> {
    use crate::server::principal::Principal;
    use crate::server::{accounts, sessions, state::app_state};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let summary = accounts::summary(&state.db, principal.account_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(AccountView {
        display_name: summary.display_name,
        email: summary.email,
        kind: summary.kind,
        second_factor: summary.second_factor,
        memberships: summary
            .memberships
            .into_iter()
            .map(|(service, role)| MembershipView { service, role })
            .collect(),
        may: [
            Kind::ManageStaff,
            Kind::WorkBoard,
            Kind::HostRoom,
            Kind::CoAssess,
            Kind::LeadGroups,
            Kind::ManageCourses,
            Kind::ServiceFigures,
        ]
        .into_iter()
        .filter(|kind| principal.anywhere(*kind))
        .collect(),
        idle_minutes: sessions::idle_limit_seconds(summary.kind) / 60,
    })
}

pub async fn confirm_identity(password: String, code: String) -> Result<(), AppError> {
    use crate::server::passwords::{self, Password};
    use crate::server::principal::Principal;
    use crate::server::rate_limit::{self, CODE_PER_ACCOUNT};
    use crate::server::{accounts, second_factor, sessions, state::app_state};

    let principal = Principal::current().await?;
    let state = app_state()?;
    let db = &state.db;
    let account_id = principal.account_id;
    let buckets = [(
        format!("second-factor:account:{account_id}"),
        CODE_PER_ACCOUNT,
    )];
    if !rate_limit::hit_all(db, &buckets).await? {
        return Err(AppError::RateLimited);
    }
    let email = accounts::email_of(db, account_id)
        .await?
        .unwrap_or_default();
    let stored = accounts::find_for_login(db, &email)
        .await?
        .and_then(|record| record.password_hash);
    // The code is only tried (and a recovery code only used up) after the password.
    let confirmed = passwords::verify(Password::new(password), stored).await?
        && second_factor::accept_code(db, account_id, &code).await?;
    if !confirmed {
        return Err(AppError::IdentityNotConfirmed);
    }
    rate_limit::forgive(db, &buckets).await?;
    sessions::mark_reauthenticated(db, &principal.session_id).await?;
    tracing::info!(
        account_id,
        "identity confirmed to replace the second factor"
    );
    leptos_axum::redirect("/account/second-factor");
    Ok(())
}

/// The session allowed to enrol: fully signed in, or half-way for staff with no
/// second factor yet.
async fn enrolling_session(
    state: &crate::server::AppState,
) -> Result<crate::server::auth::CurrentSession, AppError> {
    use crate::domain::identity::SessionStage;
    use crate::server::auth::current_session;
    use crate::server::{accounts, sessions};

    let current = current_session().ok_or(AppError::Unauthenticated)?;
    let enrolled = accounts::totp_secret(&state.db, current.session.account_id)
        .await?
        .is_some();
    match (current.session.stage, enrolled) {
        (SessionStage::Password, false) => Ok(current),
        (SessionStage::Full, false) => Ok(current),
        // Replacing a second factor takes the password and a current code again: a
        // session alone (a computer left open, a stolen cookie) must not be enough.
        (SessionStage::Full, true) => {
            if sessions::reauthenticated_recently(&state.db, &current.session.session_id).await? {
                Ok(current)
            } else {
                Err(AppError::ConfirmIdentity)
            }
        }
        (SessionStage::Password, true) => Err(AppError::Unauthenticated),
    }
}

pub async fn begin_second_factor() -> Result<EnrolmentView, AppError> {
    use crate::server::{accounts, second_factor, state::app_state};

    let state = app_state()?;
    let current = enrolling_session(&state).await?;
    let account_id = current.session.account_id;
    let email = accounts::email_of(&state.db, account_id)
        .await?
        .unwrap_or_default();
    let enrolment =
        second_factor::begin(&state.db, account_id, &email, "Rask psykisk helsehjelp").await?;
    Ok(EnrolmentView {
        secret: enrolment.secret,
        qr_svg_data_uri: enrolment.qr_svg_data_uri,
        recovery_codes: enrolment.recovery_codes,
    })
}

pub async fn confirm_second_factor(code: String) -> Result<(), AppError> {
    use crate::domain::identity::SessionStage;
    use crate::server::auth::sign_in;
    use crate::server::rate_limit::{self, CODE_PER_ACCOUNT};
    use crate::server::{second_factor, state::app_state};

    let state = app_state()?;
    let current = enrolling_session(&state).await?;
    let account_id = current.session.account_id;
    let buckets = [(
        format!("second-factor:account:{account_id}"),
        CODE_PER_ACCOUNT,
    )];
    if !rate_limit::hit_all(&state.db, &buckets).await? {
        return Err(AppError::RateLimited);
    }
    if !second_factor::confirm(&state.db, account_id, &code).await? {
        return Err(AppError::WrongCode);
    }
    rate_limit::forgive(&state.db, &buckets).await?;
    if current.session.stage == SessionStage::Password {
        let production = state.site.production;
        sign_in(
            &state.db,
            Some(&current.token),
            account_id,
            SessionStage::Full,
            production,
        )
        .await?;
    }
    tracing::info!(account_id, "second factor enrolled");
    leptos_axum::redirect("/account");
    Ok(())
}
