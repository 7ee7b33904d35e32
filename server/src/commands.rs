//! Maintenance commands run by the same binary: `server <command>`.

use app::server::access_log::{self, ChainReport};
use app::server::Db;

use crate::config::Settings;
use crate::startup::migrate;

/// Checks the access log's keyed chain, its signed checkpoints (outside the database)
/// and its append-only triggers. Prints the result; returns the exit code (0 intact,
/// 1 broken).
pub async fn verify_access_log(settings: &Settings) -> anyhow::Result<i32> {
    let key = secrecy::ExposeSecret::expose_secret(&settings.access_log_key);
    let db = Db::connect(settings.database_url())
        .await?
        .with_access_log_key(key.as_bytes());
    migrate(&db).await?;
    let checkpoints =
        match access_log::read_checkpoints(&settings.access_log_checkpoints, &db.access_log_key) {
            Ok(checkpoints) => checkpoints,
            Err(error) => {
                println!("access log BROKEN: {error}");
                return Ok(1);
            }
        };
    match access_log::verify(&db, &checkpoints).await? {
        ChainReport::Intact { entries } => {
            println!(
                "access log intact: {entries} entries, every link verified, {} checkpoints agree",
                checkpoints.len()
            );
            Ok(0)
        }
        ChainReport::Broken { entry_id, reason } => {
            println!("access log BROKEN: first broken link at entry {entry_id}: {reason}");
            Ok(1)
        }
    }
}
