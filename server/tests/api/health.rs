use crate::on_both_backends;

on_both_backends! {
    async fn healthz_answers_json_after_asking_the_database(app: TestApp) {
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 200);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["status"], "ok");
        assert_eq!(body["database"], "ok");
        assert_eq!(body["backend"], app.backend.name());
    }

    async fn healthz_reports_an_unreachable_database(app: TestApp) {
        app.state.db.pool.close().await;
        let response = app.get("/healthz").await;
        assert_eq!(response.status(), 503);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["database"], "unreachable");
    }
}
