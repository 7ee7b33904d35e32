//! Set-up the benchmarks share: a migrated database with a service and accounts.

use app::server::Db;
use sqlx::Row as _;

/// Connects and migrates.
pub async fn database(url: &str) -> anyhow::Result<Db> {
    let db = Db::connect(url).await?;
    server::startup::migrate(&db).await?;
    Ok(db)
}

/// The service `bench`.
pub async fn service(db: &Db) -> anyhow::Result<i64> {
    Ok(sqlx::query(
        "insert into service (slug, name, created_at, updated_at) values ('bench', 'Bench', 1, 1) returning service_id",
    )
    .fetch_one(&db.pool)
    .await?
    .try_get("service_id")?)
}

/// An account with a confirmed address and no password ("citizen" or "staff").
pub async fn account(db: &Db, email: &str, name: &str, kind: &str) -> anyhow::Result<i64> {
    Ok(sqlx::query(
        "insert into account (email, display_name, kind, email_verified_at, created_at, updated_at)
         values ($1, $2, $3, 1, 1, 1) returning account_id",
    )
    .bind(email)
    .bind(name)
    .bind(kind)
    .fetch_one(&db.pool)
    .await?
    .try_get("account_id")?)
}
