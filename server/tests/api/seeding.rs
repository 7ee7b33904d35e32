use app::server::Backend;

use crate::helpers::{TestApp, PRODUCTION};
use crate::on_both_backends;

on_both_backends! {
    async fn development_start_seeds_one_account_per_role(app: TestApp) {
        assert_eq!(app.count("service").await, 1);
        assert_eq!(app.count("municipality").await, 2);
        assert_eq!(app.count("service_municipality").await, 2);
        assert_eq!(app.count("account").await, 4);
        assert_eq!(app.count("membership").await, 3);
    }

    async fn seeding_twice_changes_nothing(app: TestApp) {
        let tables = ["service", "municipality", "service_municipality", "account", "membership"];
        let mut before = Vec::new();
        for table in tables {
            before.push(app.count(table).await);
        }
        let logins = server::seed::load_demo(&app.state.db).await.unwrap();
        assert_eq!(logins.len(), 4);
        let mut after = Vec::new();
        for table in tables {
            after.push(app.count(table).await);
        }
        assert_eq!(before, after);
    }

    async fn demo_passwords_are_stored_as_argon2id_hashes(app: TestApp) {
        use sqlx::Row as _;
        let row = sqlx::query("select password_hash from account where email = $1")
            .bind("inntak@demo.example")
            .fetch_one(&app.state.db.pool)
            .await
            .unwrap();
        let hash: String = row.try_get("password_hash").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let password = app::server::passwords::Password::new("demo-passord-inntak");
        assert!(app::server::passwords::verify(password, Some(hash)).await.unwrap());
    }
}

#[tokio::test]
async fn production_loads_no_demo_data_unless_asked() {
    let app = TestApp::spawn_with(Backend::Sqlite, PRODUCTION).await;
    assert_eq!(app.count("service").await, 0);
    assert_eq!(app.count("account").await, 0);

    let mut asked = PRODUCTION.to_vec();
    asked.push(("RPH_SEED_DEMO", "true"));
    let app = TestApp::spawn_with(Backend::Sqlite, &asked).await;
    assert_eq!(app.count("service").await, 1);
}
