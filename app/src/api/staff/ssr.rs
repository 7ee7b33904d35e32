//! The work behind the staff server functions: who is asking, then the repositories.

use super::types::*;
use crate::domain::identity::Role;
use crate::error::AppError;

/// The signed-in member of staff and the first service whose staff they manage;
/// `Forbidden` for anyone else.
async fn require_lead() -> Result<(crate::server::principal::Principal, i64), AppError> {
    use crate::domain::capability::Kind;
    use crate::server::principal::Principal;

    let principal = Principal::current().await?;
    let service = principal.first_service(Kind::ManageStaff)?;
    Ok((principal, service.0))
}

pub async fn list_staff() -> Result<Vec<StaffView>, AppError> {
    use crate::server::{staff, state::app_state};

    let state = app_state()?;
    let (current, service_id) = require_lead().await?;
    Ok(staff::list(&state.db, service_id)
        .await?
        .into_iter()
        .map(|m| StaffView {
            is_me: m.account_id == current.account_id,
            account_id: m.account_id,
            name: m.name,
            email: m.email,
            role: m.role,
            invited: m.invited,
            deactivated: m.deactivated,
        })
        .collect())
}

pub async fn invite_staff(name: String, email: String, role: String) -> Result<(), AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::domain::identity::normalise_email;
    use crate::i18n::{detect_lang, texts};
    use crate::server::auth::client_ip;
    use crate::server::rate_limit::{self, INVITE_PER_ADDRESS, INVITE_PER_LEAD};
    use crate::server::tokens::{self, Purpose};
    use crate::server::{emails, staff, state::app_state};

    let state = app_state()?;
    let (current, service_id) = require_lead().await?;
    let mut errors = Vec::new();
    let display_name = name.trim();
    if display_name.is_empty() {
        errors.push(FieldError {
            field: "name".into(),
            problem: FieldProblem::Required,
        });
    } else if display_name.chars().count() > 100 {
        errors.push(FieldError {
            field: "name".into(),
            problem: FieldProblem::TooLong,
        });
    }
    let address = normalise_email(&email);
    if address.is_none() {
        let problem = if email.trim().is_empty() {
            FieldProblem::Required
        } else {
            FieldProblem::EmailInvalid
        };
        errors.push(FieldError {
            field: "email".into(),
            problem,
        });
    }
    let role = Role::parse(&role);
    if role.is_none() {
        errors.push(FieldError {
            field: "role".into(),
            problem: FieldProblem::Required,
        });
    }
    let values = vec![
        ("name".into(), name.clone()),
        ("email".into(), email.clone()),
    ];
    let (Some(address), Some(role), true) = (address, role, errors.is_empty()) else {
        return Err(AppError::Invalid { errors, values });
    };
    let mut buckets = vec![(
        format!("invite:lead:{}", current.account_id),
        INVITE_PER_LEAD,
    )];
    if let Some(ip) = client_ip() {
        buckets.push((format!("invite:ip:{ip}"), INVITE_PER_ADDRESS));
    }
    if !rate_limit::hit_all(&state.db, &buckets).await? {
        return Err(AppError::RateLimited);
    }
    let Some(account_id) =
        staff::create_invited(&state.db, service_id, &address, display_name, role).await?
    else {
        return Err(AppError::Invalid {
            errors: vec![FieldError {
                field: "email".into(),
                problem: FieldProblem::EmailTaken,
            }],
            values,
        });
    };
    let token = tokens::issue(&state.db, account_id, Purpose::Invitation).await?;
    let link = format!("{}/invitation?token={token}", state.site.public_url);
    state
        .mailer
        .send(emails::invitation(texts(detect_lang()), &address, &link))
        .await
        .map_err(|error| {
            tracing::error!(error = ?error, "could not send the invitation");
            AppError::Unavailable
        })?;
    tracing::info!(lead = current.account_id, account_id, "staff invited");
    // The page says it was sent, and to whom.
    leptos_axum::redirect(&format!("/admin/staff?invited={account_id}"));
    Ok(())
}

/// The target must be staff of the lead's own service, and not the lead.
async fn require_managed(
    state: &crate::server::AppState,
    account_id: i64,
) -> Result<(crate::server::principal::Principal, i64), AppError> {
    use crate::server::staff;

    let (current, service_id) = require_lead().await?;
    if account_id == current.account_id
        || !staff::is_member(&state.db, account_id, service_id).await?
    {
        return Err(AppError::Forbidden);
    }
    Ok((current, service_id))
}

pub async fn change_staff_role(account_id: i64, role: String) -> Result<(), AppError> {
    use crate::domain::field::{FieldError, FieldProblem};
    use crate::server::{sessions, staff, state::app_state};

    let state = app_state()?;
    let (current, service_id) = require_managed(&state, account_id).await?;
    let role = Role::parse(&role).ok_or_else(|| AppError::Invalid {
        errors: vec![FieldError {
            field: "role".into(),
            problem: FieldProblem::Required,
        }],
        values: Vec::new(),
    })?;
    staff::change_role(&state.db, account_id, service_id, role).await?;
    sessions::end_all_for_account(&state.db, account_id).await?;
    tracing::info!(
        lead = current.account_id,
        account_id,
        role = role.as_str(),
        "role changed"
    );
    Ok(())
}

pub async fn deactivate_staff(account_id: i64, confirm: String) -> Result<(), AppError> {
    use crate::server::{sessions, staff, state::app_state};

    let state = app_state()?;
    let (current, _) = require_managed(&state, account_id).await?;
    if confirm != "yes" {
        return Err(AppError::BadRequest);
    }
    staff::deactivate(&state.db, account_id).await?;
    let ended = sessions::end_all_for_account(&state.db, account_id).await?;
    tracing::info!(
        lead = current.account_id,
        account_id,
        ended,
        "staff deactivated"
    );
    Ok(())
}

pub async fn reopen_staff(account_id: i64) -> Result<(), AppError> {
    use crate::server::{staff, state::app_state};

    let state = app_state()?;
    let (current, _) = require_managed(&state, account_id).await?;
    staff::reopen(&state.db, account_id).await?;
    tracing::info!(
        lead = current.account_id,
        account_id,
        "staff access reopened"
    );
    Ok(())
}

pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    use crate::server::state::app_state;
    use crate::server::tokens::set_password_with_link;
    use crate::server::tokens::Purpose;

    let state = app_state()?;
    let account_id =
        set_password_with_link(&state.db, Purpose::Invitation, &token, password).await?;
    tracing::info!(account_id, "invitation accepted");
    leptos_axum::redirect("/login?invited=1");
    Ok(())
}
