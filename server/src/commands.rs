//! Maintenance commands run by the same binary: `server <command>`.

use app::server::access_log::{self, ChainReport};
use app::server::Db;

use crate::config::Settings;
use crate::startup::migrate;

/// Checks the access log's hash chain. Prints the result; returns the exit code
/// (0 intact, 1 broken).
pub async fn verify_access_log(settings: &Settings) -> anyhow::Result<i32> {
    let db = Db::connect(settings.database_url()).await?;
    migrate(&db).await?;
    match access_log::verify_chain(&db).await? {
        ChainReport::Intact { entries } => {
            println!("access log intact: {entries} entries, every link verified");
            Ok(0)
        }
        ChainReport::Broken { entry_id, reason } => {
            println!("access log BROKEN: first broken link at entry {entry_id}: {reason}");
            Ok(1)
        }
    }
}
