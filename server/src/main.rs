//! Starts the product: telemetry, configuration, build, serve.
//! `server verify-access-log` instead checks the access log's hash chain and exits.

use server::config::Settings;
use server::startup::Application;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    server::telemetry::init();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("{error}");
            std::process::exit(2);
        }
    };
    if std::env::args().nth(1).as_deref() == Some("verify-access-log") {
        let code = server::commands::verify_access_log(&settings).await?;
        std::process::exit(code);
    }
    let application = Application::build(settings).await?;
    // Caught before the banner says the server is up.
    let stop = server::startup::stop_signal()?;
    print_banner(&application);
    application.run_until(stop).await?;
    Ok(())
}

fn print_banner(application: &Application) {
    println!(
        "Rask psykisk helsehjelp is running at http://{}",
        application.address()
    );
    if !application.demo_logins().is_empty() {
        println!("Demo logins (development data):");
        for login in application.demo_logins() {
            println!(
                "  {:<10} {:<26} {}",
                login.role, login.email, login.password
            );
        }
        let secrets: Vec<_> = application
            .demo_logins()
            .iter()
            .filter_map(|l| l.new_totp_secret.as_ref().map(|s| (l, s)))
            .collect();
        if !secrets.is_empty() {
            println!(
                "Staff second factor: add these secrets to an authenticator app (shown once):"
            );
            for (login, secret) in secrets {
                println!("  {:<26} {}", login.email, secret);
            }
        }
    }
}
