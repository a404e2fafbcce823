# Shared by the official-client fidelity suites (tests/hub-fidelity, tests/github-fidelity); source
# it, then:
#   fidelity_init NAME DIR PACKAGE EMULATOR   checks node >= 20 and npm, runs `npm ci` in DIR when
#                                            node_modules/PACKAGE is missing, checks EMULATOR
#   fidelity_start_emulator ARGS...          starts "$emulator" ARGS (plus --port 0) in the
#                                            background, waits for "listening on URL", sets
#                                            $endpoint; the emulator is stopped by PID on exit
#   fidelity_run_tests ENV=VALUE... -- FILE  runs `node --test FILE` in DIR with that environment;
#                                            on failure prints the emulator's last log lines
# Fails (never skips) when something is missing.

fail() {
  echo "$fidelity_name: $*" >&2
  exit 1
}

fidelity_init() {
  fidelity_name=$1 fidelity_dir=$2
  local package=$3
  emulator=$4
  [[ -n "$emulator" ]] || fail "usage: run.sh PATH/TO/EMULATOR"
  [[ -x "$emulator" ]] || fail "$emulator is not an executable (build the emulator target first)"
  local tool
  for tool in node npm; do
    command -v "$tool" >/dev/null 2>&1 ||
      fail "$tool is not installed: the fidelity suite needs Node.js 20+ and npm (run scripts/setup)"
  done
  local node_major
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  (( node_major >= 20 )) || fail "Node.js $(node --version) is too old: the suite needs 20 or newer"
  if [[ ! -d "$fidelity_dir/node_modules/$package" ]]; then
    (cd "$fidelity_dir" && npm ci --silent --no-audit --no-fund) ||
      fail "npm ci failed (is the npm registry reachable?)"
  fi
  workdir="$(mktemp -d)"
  emulator_pid=""
  trap fidelity_cleanup EXIT
  trap 'exit 130' INT TERM
}

fidelity_cleanup() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}

fidelity_start_emulator() {
  "$emulator" --port 0 "$@" >"$workdir/stdout" 2>"$workdir/stderr" &
  emulator_pid=$!
  endpoint=""
  for _ in $(seq 1 100); do
    endpoint="$(sed -n 's/^listening on //p' "$workdir/stdout")"
    [[ -n "$endpoint" ]] && return 0
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$workdir/stderr" >&2; fail "the emulator exited early"; }
    sleep 0.1
  done
  fail "the emulator did not print its address within 10 s"
}

fidelity_run_tests() {
  local env=()
  while [[ $# -gt 0 && "$1" != "--" ]]; do env+=("$1"); shift; done
  shift
  local status=0
  (cd "$fidelity_dir" && env "${env[@]}" node --test --test-reporter=spec "$@") || status=$?
  if (( status != 0 )); then
    echo "--- emulator requests (last 60) ---" >&2
    tail -n 60 "$workdir/stderr" >&2
  fi
  return "$status"
}
