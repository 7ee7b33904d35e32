//! Builds the application from settings and serves it until told to stop.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower_http::trace::TraceLayer;

use app::server::assets::Assets;
use app::server::state::AppStateParts;
use app::server::state::SiteSettings;
use app::server::{AppState, Db, Mailer};
use app::{document, shell, App, OUTPUT_NAME};

use crate::client_address::TrustedProxies;
use crate::config::Settings;
use crate::csrf::TrustedOrigins;
use crate::every_request::{every_request, EveryRequest};
use crate::routes::{
    board_events::board_events, fhir, figures, health::healthz, language::set_language,
    room_socket::room_socket, site_files::site_files, trajectory,
};
use crate::security::{PageNonce, SecurityHeaders};
use crate::seed::{self, DemoLogin};
use crate::sfu::Sfu;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A built application with its listener bound, ready to serve.
pub struct Application {
    listener: TcpListener,
    router: Router,
    address: SocketAddr,
    state: AppState,
    sfu: Sfu,
    demo_logins: Vec<DemoLogin>,
    settings: Settings,
}

impl Application {
    /// Connects and migrates the database, seeds demo data when asked, and binds
    /// the listener (port 0 picks a free port; `port()` tells which).
    pub async fn build(settings: Settings) -> anyhow::Result<Application> {
        // Questionnaire definitions first: a broken one stops the server before anything
        // else starts, naming the file and the field.
        let instruments =
            app::server::instruments::Instruments::load(settings.questionnaires_dir.as_deref())?;
        let db = Db::connect(settings.database_url())
            .await
            .context("connecting to the database")?
            .with_access_log_key(
                secrecy::ExposeSecret::expose_secret(&settings.access_log_key).as_bytes(),
            );
        migrate(&db).await?;
        // Nobody is in a room after a restart; close what a crash left open.
        app::server::rooms::close_open_attendance(&db)
            .await
            .context("closing attendance left open")?;
        let demo_logins = if settings.seed_demo {
            let logins = seed::load_demo(&db, &instruments)
                .await
                .context("loading demo data")?;
            if settings.demo_history {
                crate::seed_history::load(&db, &instruments)
                    .await
                    .context("loading the demo service's history")?;
            }
            logins
        } else {
            Vec::new()
        };
        // Answers given before measurements were stored, and any the seeding wrote.
        let backfilled = app::server::measurements::backfill(&db)
            .await
            .context("storing measurements of earlier answers")?;
        if backfilled > 0 {
            tracing::info!(
                count = backfilled,
                "measurements stored for earlier answers"
            );
        }
        let mailer = match &settings.smtp_url {
            Some(url) => Mailer::smtp(
                &settings.mail_from,
                secrecy::ExposeSecret::expose_secret(url),
            ),
            None => Mailer::to_files(&settings.mail_from, &settings.outbox_dir),
        }
        .context("setting up mail")?;

        let listener = TcpListener::bind(settings.bind)
            .await
            .with_context(|| format!("binding {}", settings.bind))?;
        let address = listener.local_addr()?;
        let leptos_options = LeptosOptions::builder()
            .output_name(OUTPUT_NAME)
            .site_root(settings.site_root.to_string_lossy().as_ref())
            .site_pkg_dir("pkg")
            .site_addr(address)
            .build();
        let state = AppState::new(AppStateParts {
            db,
            mailer,
            site: Arc::new(SiteSettings {
                public_url: settings.public_url.clone(),
                production: settings.is_production(),
                draft_retention_days: settings.draft_retention_days,
                access_log_checkpoints: settings.access_log_checkpoints.clone(),
                assets: Assets::load(&settings.site_root.join("pkg")),
            }),
            instruments: Arc::new(instruments),
            leptos_options,
        });
        let (sfu, room_events) = Sfu::new(settings.media.clone());
        tokio::spawn(crate::room_records::record(state.db.clone(), room_events));
        let router = app(
            state.clone(),
            SecurityHeaders {
                hsts: settings.is_production(),
            },
            TrustedOrigins::from_public_url(&settings.public_url),
            settings.trusted_proxies.clone(),
            sfu.clone(),
        );
        Ok(Application {
            listener,
            router,
            address,
            state,
            sfu,
            demo_logins,
            settings,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn port(&self) -> u16 {
        self.address.port()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// The video rooms' SFU (tests read its counters).
    pub fn sfu(&self) -> &Sfu {
        &self.sfu
    }

    pub fn demo_logins(&self) -> &[DemoLogin] {
        &self.demo_logins
    }

    /// Serves until `stop` completes (in production [`stop_signal`]: SIGTERM or
    /// Ctrl-C), then drains in-flight requests (at most the configured grace period).
    pub async fn run_until(
        self,
        stop: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let grace = self.settings.shutdown_grace;
        let jobs = tokio::spawn(app::server::jobs::run_forever(self.state.clone()));
        let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel::<()>();
        let service = self
            .router
            .into_make_service_with_connect_info::<SocketAddr>();
        let serve =
            axum::serve(without_delay(self.listener), service).with_graceful_shutdown(async move {
                stop.await;
                tracing::info!("shutting down: finishing requests in flight");
                let _ = stopped_tx.send(());
            });
        let deadline = async move {
            let _ = stopped_rx.await;
            tokio::time::sleep(grace).await;
        };
        let _stop_jobs = AbortOnDrop(jobs);
        tokio::select! {
            result = serve => {
                tracing::info!("stopped cleanly");
                result
            }
            () = deadline => {
                tracing::warn!("grace period over: stopping with requests still open");
                Ok(())
            }
        }
    }
}

/// The listener with Nagle's algorithm off on every connection it accepts. With it on,
/// a response written in two pieces (headers, then a file's body) waits for the
/// browser's delayed ACK: 40 ms for every static file on a kept-alive connection.
pub fn without_delay(
    listener: TcpListener,
) -> axum::serve::TapIo<TcpListener, fn(&mut tokio::net::TcpStream)> {
    use axum::serve::ListenerExt as _;
    listener.tap_io(no_delay)
}

fn no_delay(tcp: &mut tokio::net::TcpStream) {
    if let Err(error) = tcp.set_nodelay(true) {
        tracing::warn!(%error, "could not switch off Nagle's algorithm");
    }
}

/// Runs the migrations for the database's engine.
pub async fn migrate(db: &Db) -> anyhow::Result<()> {
    let migrator = match db.backend {
        app::server::Backend::Sqlite => &SQLITE_MIGRATIONS,
        app::server::Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&db.pool)
        .await
        .context("running database migrations")?;
    Ok(())
}

/// The app's routes, worked out once per process. Working them out runs the app with
/// resource loading switched off by a flag that is global to the process (leptos's
/// `SuppressResourceLoad`): a page being rendered meanwhile by another server in the
/// process (the tests run a hundred) would have a resource that never loads.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::LazyLock<Vec<AxumRouteListing>> =
        std::sync::LazyLock::new(|| generate_route_list(App));
    ROUTES.clone()
}

/// The whole HTTP surface: health, language switch, Leptos pages and server
/// functions, static files, and the layers every response passes through.
pub fn app(
    state: AppState,
    security: SecurityHeaders,
    origins: TrustedOrigins,
    proxies: TrustedProxies,
    sfu: Sfu,
) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            // `every_request` minted this request's nonce and puts it in the policy.
            let nonce = use_context::<http::request::Parts>()
                .and_then(|parts| parts.extensions.get::<PageNonce>().cloned());
            match nonce {
                Some(nonce) => provide_context(leptos::nonce::Nonce::from_value(nonce.0)),
                None => leptos::nonce::provide_nonce(),
            }
        }
    };
    let options = state.leptos_options.clone();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/language/{code}", get(set_language))
        .route("/board/events", get(board_events))
        .route("/rooms/{code}/socket", get(room_socket))
        .route("/fhir/Questionnaire/{id}", get(fhir::questionnaire))
        .route("/fhir/QuestionnaireResponse/{id}", get(fhir::questionnaire_response))
        .route("/figures/episodes.csv", get(figures::episodes_csv))
        .route("/figures/register/{format}", get(figures::register_extract))
        .route("/trajectory/{reference}/answers.json", get(trajectory::answers))
        .route("/trajectory/{reference}/scores.csv", get(trajectory::scores))
        .nest_service(
            "/pkg",
            site_files(&std::path::Path::new(options.site_root.as_ref()).join("pkg")),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), document)
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(axum::Extension(sfu))
        .layer(axum::Extension(origins.clone()))
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(EveryRequest {
                state: state.clone(),
                security,
                origins,
                proxies,
            }),
            every_request,
        ))
        .layer(
            TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
                // The path only: query strings can carry tokens.
                tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
            }),
        )
        .with_state(state)
}

/// Stops a background task when the server stops.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Completes on SIGTERM or SIGINT (Ctrl-C), which are caught from the moment this
/// returns: call it before the server says it is up. Listening only once the future is
/// first polled is too late, since axum polls a graceful shutdown's signal in a task of
/// its own, which a busy machine may run after the server already answers; a SIGTERM
/// before that killed the process outright (the signal's default action), requests in
/// flight and all. Call it inside the runtime.
pub fn stop_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {},
                _ = interrupt.recv() => {},
            }
        })
    }
    #[cfg(not(unix))]
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
