# Starts a throwaway TURN relay (Debian's coturn) on loopback for the tests.
# Source this file, then call `start_test_turn DIR`; it exports TEST_TURN_URL,
# TEST_TURN_USERNAME, TEST_TURN_CREDENTIAL and TEST_TURN_LOG, and registers a trap
# that stops the relay when the calling script exits.

start_test_turn() {
  local dir=$1 port
  command -v turnserver >/dev/null || { echo "turnserver (coturn) is not installed" >&2; return 1; }
  port=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
  rm -rf "$dir"
  mkdir -p "$dir"
  # Relaying to loopback is off by default; the SFU listens on loopback in tests.
  turnserver -n --listening-ip=127.0.0.1 --relay-ip=127.0.0.1 --listening-port="$port" \
    --min-port=49160 --max-port=49999 --lt-cred-mech --user=rph-test:rph-test-secret \
    --realm=rph.test --allow-loopback-peers --no-tls --no-dtls --no-cli --no-tcp-relay \
    --log-file="$dir/turn.log" --simple-log --pidfile="$dir/turn.pid" --verbose \
    >"$dir/stdout.log" 2>&1 &
  echo $! >"$dir/pid"
  for _ in $(seq 50); do
    grep -q "listener opened on" "$dir"/turn*.log 2>/dev/null && break
    sleep 0.1
  done
  export TEST_TURN_URL="turn:127.0.0.1:$port?transport=udp"
  export TEST_TURN_USERNAME=rph-test
  export TEST_TURN_CREDENTIAL=rph-test-secret
  export TEST_TURN_LOG=$dir
  export TEST_TURN_DIR=$dir
  trap 'stop_test_turn; stop_test_postgres 2>/dev/null || true' EXIT
  echo "TURN relay on 127.0.0.1:$port ($dir)"
}

stop_test_turn() {
  [ -n "${TEST_TURN_DIR:-}" ] || return 0
  kill "$(cat "$TEST_TURN_DIR/pid")" 2>/dev/null || true
  unset TEST_TURN_DIR
}
