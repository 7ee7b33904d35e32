# Shared by scripts/dev and scripts/test: paths, and idempotent installs of what is missing.
# Every install checks first, so running a script twice does nothing the second time.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# Build cache outside the clone, so a fresh clone reuses earlier builds.
BUILD_CACHE=${BUILD_CACHE:-$HOME/.cache/rph}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$BUILD_CACHE/target}
[ -d "$HOME/.cargo/bin" ] && export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR=${CARGO_TERM_COLOR:-never}

step() { printf '\n==> %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

APT_UPDATED=
ensure_apt() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  step "installing from Debian: ${missing[*]}"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -q; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    step "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_rust_lints() {
  local missing=()
  rustup component list --installed | grep -q '^rustfmt' || missing+=(rustfmt)
  rustup component list --installed | grep -q '^clippy' || missing+=(clippy)
  if [ ${#missing[@]} -gt 0 ]; then
    step "adding rustup components: ${missing[*]}"
    rustup component add "${missing[@]}"
  fi
}

# Python tools the tests talk to, in a venv of our own: aiosmtpd (the real SMTP server
# of the mail test), fhir.resources 6.1 (FHIR R4 4.0.1), the independent validator
# of the FHIR export, and icalendar, the independent parser of the course invitations.
ensure_smtp_server() {
  local venv=$BUILD_CACHE/venv
  if ! "$venv/bin/python" -c 'import aiosmtpd, icalendar, fhir.resources as f; assert f.__fhir_version__ == "4.0.1"' 2>/dev/null; then
    step "installing aiosmtpd, icalendar and fhir.resources into $venv"
    python3 -m venv "$venv" 2>/dev/null || { ensure_apt python3-venv; rm -rf "$venv"; python3 -m venv "$venv"; }
    "$venv/bin/pip" install -q --disable-pip-version-check 'aiosmtpd>=1.4,<2' \
      'fhir.resources==6.1.0' 'pydantic>=1.10,<2' 'icalendar>=7.3,<8'
  fi
  export TEST_PYTHON=$venv/bin/python
}

# Playwright and axe from the committed lock file. Never a browser download:
# the tests use Debian's Chromium.
ensure_end2end_packages() {
  command -v npm >/dev/null || ensure_apt nodejs npm
  local stamp=$ROOT/end2end/node_modules/.package-lock.json
  if [ ! -f "$stamp" ] || [ "$ROOT/end2end/package-lock.json" -nt "$stamp" ]; then
    step "installing end2end npm packages"
    (cd "$ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
}

# npm's binaryen for `wasm-opt` on release bundles (Debian's is too old and breaks them).
ensure_wasm_opt() {
  local tools=$BUILD_CACHE/tools
  if [ ! -x "$tools/node_modules/.bin/wasm-opt" ]; then
    step "installing binaryen (wasm-opt) from npm into $tools"
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --loglevel=error binaryen@132
  fi
  export PATH="$tools/node_modules/.bin:$PATH"
}

# cargo xtask builds the browser bundle and the server; prints where they are.
build_product() {
  local profile_flag=${1:-}
  (cd "$ROOT" && cargo xtask build $profile_flag)
  eval "$(cd "$ROOT" && cargo xtask paths $profile_flag | sed 's/^/BUILT_/')"
}
