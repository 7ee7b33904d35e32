//! Builds the browser bundle and the server with plain cargo, and runs the product.
//!
//! Used instead of cargo-leptos: installing that takes about 40 CPU-minutes here,
//! while this crate builds in seconds and runs wasm-bindgen as a library pinned to
//! the same version as the `wasm-bindgen` crate in `Cargo.lock`.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{bail, Context, Result};

mod publish;

const OUTPUT_NAME: &str = "rph";

const USAGE: &str = "usage: cargo xtask <command> [--release]

commands:
  build       build the browser bundle, stylesheet and server
  site        build only the browser bundle and stylesheet
  serve       build, then run the server (demo data, SQLite under data/)
  paths       print the server binary and site directory for scripts
  budget      check the built browser bundle against the page-weight budget";

struct Paths {
    workspace: PathBuf,
    target: PathBuf,
}

impl Paths {
    fn discover() -> Result<Paths> {
        // The directory `cargo run` gives at run time, not the one this binary was
        // compiled in: clones share one build cache, and a binary built in another
        // clone (since deleted) must still work on this one.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let workspace = manifest_dir
            .parent()
            .context("xtask lives inside the workspace")?
            .to_path_buf();
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .map(|t| {
                if t.is_absolute() {
                    t
                } else {
                    workspace.join(t)
                }
            })
            .unwrap_or_else(|| workspace.join("target"));
        Ok(Paths { workspace, target })
    }

    fn profile_dir(&self, release: bool) -> &'static str {
        if release {
            "release"
        } else {
            "debug"
        }
    }

    fn site(&self, release: bool) -> PathBuf {
        self.target.join("site").join(self.profile_dir(release))
    }

    /// Where `build` copies the server it just built (cargo does not always refresh
    /// `target/debug/server` when `cargo test` built the same binary first).
    fn server_binary(&self, release: bool) -> PathBuf {
        // Outside the site directory, which is served to the public.
        self.target
            .join("rph")
            .join(self.profile_dir(release))
            .join("server")
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let release = args.iter().any(|a| a == "--release");
    let command = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(String::as_str);
    let result = Paths::discover().and_then(|paths| match command {
        Some("build") => build_site(&paths, release).and_then(|()| build_server(&paths, release)),
        Some("site") => build_site(&paths, release),
        Some("serve") => {
            build_site(&paths, release)?;
            build_server(&paths, release)?;
            serve(&paths, release)
        }
        Some("budget") => check_budget(&paths, release),
        Some("paths") => {
            println!("server={}", paths.server_binary(release).display());
            println!("site={}", paths.site(release).display());
            Ok(())
        }
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn cargo(paths: &Paths, args: &[&str]) -> Result<()> {
    cargo_output(paths, args, false).map(|_| ())
}

/// Runs cargo; with `capture`, returns its standard output (JSON messages).
fn cargo_output(paths: &Paths, args: &[&str], capture: bool) -> Result<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(args)
        .current_dir(&paths.workspace)
        .env("CARGO_TARGET_DIR", &paths.target);
    // `cargo run` gave us this package's variables; build scripts (ring's) watch
    // some of them, and passing them on would rebuild those crates every time.
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy();
        if key.starts_with("CARGO_PKG_")
            || key.starts_with("CARGO_MANIFEST_")
            || matches!(
                key.as_ref(),
                "CARGO_CRATE_NAME"
                    | "CARGO_BIN_NAME"
                    | "CARGO_PRIMARY_PACKAGE"
                    | "CARGO_RUSTC_CURRENT_DIR"
                    | "OUT_DIR"
            )
        {
            command.env_remove(key.as_ref());
        }
    }
    if capture {
        command.stdout(std::process::Stdio::piped());
    }
    let output = command
        .spawn()
        .and_then(|child| child.wait_with_output())
        .with_context(|| format!("running {cargo}"))?;
    if !output.status.success() {
        bail!("cargo {} failed", args.join(" "));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Compiles `frontend` to wasm, generates its JS glue, and copies the stylesheet
/// and public files into the site directory the server serves.
fn build_site(paths: &Paths, release: bool) -> Result<()> {
    let mut args = vec![
        "build",
        "--package",
        "frontend",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
    ];
    if release {
        args.extend(["--profile", "wasm-release"]);
    }
    cargo(paths, &args)?;
    let wasm_profile = if release { "wasm-release" } else { "debug" };
    let wasm = paths
        .target
        .join("wasm32-unknown-unknown")
        .join(wasm_profile)
        .join("frontend.wasm");

    let site = paths.site(release);
    let pkg = site.join("pkg");
    // Published names carry a hash: start afresh so old ones do not pile up.
    if pkg.exists() {
        std::fs::remove_dir_all(&pkg).with_context(|| format!("clearing {}", pkg.display()))?;
    }
    std::fs::create_dir_all(&pkg).with_context(|| format!("creating {}", pkg.display()))?;
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&wasm)
        .out_name(OUTPUT_NAME)
        .web(true)?
        .debug(!release)
        .keep_debug(false)
        .typescript(false)
        .generate(&pkg)
        .context("running wasm-bindgen")?;

    let wasm_out = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    if release {
        optimise_wasm(&wasm_out)?;
    }
    std::fs::copy(
        paths.workspace.join("style/main.css"),
        pkg.join(format!("{OUTPUT_NAME}.css")),
    )
    .context("copying style/main.css")?;
    copy_dir(&paths.workspace.join("public"), &site)?;
    let js = pkg.join(format!("{OUTPUT_NAME}.js"));
    let css = pkg.join(format!("{OUTPUT_NAME}.css"));
    let room = site.join("room.js");
    let icon = site.join("favicon.svg");
    publish::publish(
        &pkg,
        &[
            (&format!("{OUTPUT_NAME}.js"), &js),
            (&format!("{OUTPUT_NAME}_bg.wasm"), &wasm_out),
            (&format!("{OUTPUT_NAME}.css"), &css),
            ("room.js", &room),
            ("favicon.svg", &icon),
        ],
        release,
    )?;
    let size = std::fs::metadata(&wasm_out).map(|m| m.len()).unwrap_or(0);
    eprintln!(
        "xtask: site ready in {} (wasm {} bytes)",
        site.display(),
        size
    );
    Ok(())
}

/// Shrinks the release wasm with `wasm-opt` from npm's binaryen when it is on PATH.
/// (Debian's binaryen 108 breaks the bundle; see shared/TOOLCHAIN.md.)
fn optimise_wasm(wasm: &Path) -> Result<()> {
    let version = Command::new("wasm-opt").arg("--version").output();
    let Ok(version) = version else {
        eprintln!("xtask: wasm-opt not on PATH; release wasm left unoptimised");
        return Ok(());
    };
    let version = String::from_utf8_lossy(&version.stdout);
    let number: u32 = version
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .unwrap_or(0);
    if number < 116 {
        eprintln!(
            "xtask: {} is too old (it breaks the bundle); skipping",
            version.trim()
        );
        return Ok(());
    }
    let status = Command::new("wasm-opt")
        .args([
            "-Oz",
            "--enable-bulk-memory",
            "--enable-nontrapping-float-to-int",
        ])
        .args([
            "--enable-sign-ext",
            "--enable-reference-types",
            "--enable-mutable-globals",
        ])
        .args(["--enable-multivalue"])
        .arg(wasm)
        .arg("-o")
        .arg(wasm)
        .status()
        .context("running wasm-opt")?;
    if !status.success() {
        bail!("wasm-opt failed");
    }
    Ok(())
}

/// The most JavaScript and WebAssembly, gzipped, a citizen page may download
/// (issue 12). Every page with islands loads the one bundle; other pages load none.
const BUDGET_GZIP_BYTES: u64 = 150_000;

/// Fails when the built bundle (its gzip copies, as served) is over the budget.
fn check_budget(paths: &Paths, release: bool) -> Result<()> {
    if !release {
        bail!("the budget is for the release build: cargo xtask budget --release");
    }
    let pkg = paths.site(true).join("pkg");
    let mut total = 0;
    for name in [
        format!("{OUTPUT_NAME}.js"),
        format!("{OUTPUT_NAME}_bg.wasm"),
    ] {
        let gz = pkg.join(format!("{name}.gz"));
        let size = std::fs::metadata(&gz)
            .with_context(|| {
                format!(
                    "{} is missing: run cargo xtask site --release",
                    gz.display()
                )
            })?
            .len();
        eprintln!("xtask: {name}: {size} bytes gzipped");
        total += size;
    }
    eprintln!(
        "xtask: a page with islands downloads {total} bytes gzipped (budget {BUDGET_GZIP_BYTES})"
    );
    if total > BUDGET_GZIP_BYTES {
        bail!("the browser bundle is over its budget: {total} > {BUDGET_GZIP_BYTES} bytes gzipped");
    }
    Ok(())
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    for entry in std::fs::read_dir(from).with_context(|| format!("reading {}", from.display()))? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn build_server(paths: &Paths, release: bool) -> Result<()> {
    let mut args = vec![
        "build",
        "--package",
        "server",
        "--bin",
        "server",
        "--message-format=json-render-diagnostics",
    ];
    if release {
        args.push("--release");
    }
    let messages = cargo_output(paths, &args, true)?;
    let executable = messages
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "server")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .context("cargo reported no server executable")?;
    let target = paths.server_binary(release);
    if let Some(dir) = target.parent() {
        std::fs::create_dir_all(dir)?;
    }
    // Copy to a temporary name and rename, so a running server is never overwritten.
    let partial = target.with_extension("partial");
    std::fs::copy(&executable, &partial)
        .with_context(|| format!("copying {}", executable.display()))?;
    std::fs::rename(&partial, &target)?;
    eprintln!("xtask: server ready at {}", target.display());
    Ok(())
}

fn serve(paths: &Paths, release: bool) -> Result<()> {
    let status = Command::new(paths.server_binary(release))
        .current_dir(&paths.workspace)
        .env("RPH_SITE_ROOT", paths.site(release))
        .status()
        .context("starting the server")?;
    if !status.success() {
        bail!("the server stopped with {status}");
    }
    Ok(())
}
