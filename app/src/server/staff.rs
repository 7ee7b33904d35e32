//! Staff of a service: what each may do, the list a lead manages, invitations,
//! role changes and deactivation.

use sqlx::Row;

use super::db::now;
use super::Db;
use crate::domain::capability::{Capabilities, Membership, ServiceId};
use crate::domain::identity::Role;

/// A member of staff as the lead's list shows them.
#[derive(Clone, Debug)]
pub struct StaffMember {
    pub account_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub invited: bool,
    pub deactivated: bool,
}

pub async fn list(db: &Db, service_id: i64) -> Result<Vec<StaffMember>, sqlx::Error> {
    let rows = sqlx::query(
        "select a.account_id, a.display_name, a.email, m.role, a.password_hash, a.deactivated_at
         from membership m join account a on a.account_id = m.account_id
         where m.service_id = $1
         order by a.deactivated_at is not null, a.display_name",
    )
    .bind(service_id)
    .fetch_all(&db.pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(StaffMember {
                account_id: r.try_get("account_id")?,
                name: r.try_get("display_name")?,
                email: r.try_get("email")?,
                role: Role::parse(&r.try_get::<String, _>("role")?).unwrap_or(Role::Intake),
                invited: r.try_get::<Option<String>, _>("password_hash")?.is_none(),
                deactivated: r.try_get::<Option<i64>, _>("deactivated_at")?.is_some(),
            })
        })
        .collect()
}

/// True when the account has a membership in the service.
pub async fn is_member(db: &Db, account_id: i64, service_id: i64) -> Result<bool, sqlx::Error> {
    let row =
        sqlx::query("select 1 as one from membership where account_id = $1 and service_id = $2")
            .bind(account_id)
            .bind(service_id)
            .fetch_optional(&db.pool)
            .await?;
    Ok(row.is_some())
}

/// Creates an invited staff account (no password yet) with a role in the service;
/// `None` when the email already has an account.
pub async fn create_invited(
    db: &Db,
    service_id: i64,
    email: &str,
    name: &str,
    role: Role,
) -> Result<Option<i64>, sqlx::Error> {
    let t = now();
    let mut tx = db.begin_write().await?;
    let Some(row) = sqlx::query(
        "insert into account (email, display_name, kind, created_at, updated_at)
         values ($1, $2, 'staff', $3, $3)
         on conflict (email) do nothing
         returning account_id",
    )
    .bind(email)
    .bind(name)
    .bind(t)
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let account_id: i64 = row.try_get("account_id")?;
    sqlx::query(
        "insert into membership (account_id, service_id, role, created_at) values ($1, $2, $3, $4)",
    )
    .bind(account_id)
    .bind(service_id)
    .bind(role.as_str())
    .bind(t)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(account_id))
}

pub async fn change_role(
    db: &Db,
    account_id: i64,
    service_id: i64,
    role: Role,
) -> Result<(), sqlx::Error> {
    sqlx::query("update membership set role = $1 where account_id = $2 and service_id = $3")
        .bind(role.as_str())
        .bind(account_id)
        .bind(service_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

pub async fn deactivate(db: &Db, account_id: i64) -> Result<(), sqlx::Error> {
    let t = now();
    sqlx::query("update account set deactivated_at = $1, updated_at = $1 where account_id = $2 and deactivated_at is null")
        .bind(t)
        .bind(account_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// Opens a closed account again.
pub async fn reopen(db: &Db, account_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("update account set deactivated_at = null, updated_at = $1 where account_id = $2 and deactivated_at is not null")
        .bind(now())
        .bind(account_id)
        .execute(&db.pool)
        .await
        .map(|_| ())
}

/// What an active account may do, from its roles in every service.
pub async fn capabilities(db: &Db, account_id: i64) -> Result<Capabilities, sqlx::Error> {
    let rows = sqlx::query(
        "select m.service_id, m.role from membership m join account a on a.account_id = m.account_id
         where m.account_id = $1 and a.deactivated_at is null order by m.service_id",
    )
    .bind(account_id)
    .fetch_all(&db.pool)
    .await?;
    let mut memberships = Vec::new();
    for row in rows {
        if let Some(role) = Role::parse(&row.try_get::<String, _>("role")?) {
            memberships.push(Membership {
                service: ServiceId(row.try_get("service_id")?),
                role,
            });
        }
    }
    Ok(Capabilities::new(memberships))
}
