#!/usr/bin/env bash
# Fidelity suite: runs the official @huggingface/hub client (Node, see package.json) against the
# GitHub emulator program, validating every answer against @octokit/openapi.
#
#   tests/github-fidelity/run.sh build/tests/emulators/hub/github-emulator
#
# Builds nothing: the emulator is the path given. Installs the pinned client with `npm ci` when
# node_modules is missing. Fails (never skips) when node or npm is missing. The emulator is
# started on a free loopback port and stopped by its PID when this script exits.
set -euo pipefail

script="${BASH_SOURCE[0]}"
[[ "$script" == */* ]] || script="./$script"
here="$(cd "${script%/*}" && pwd)"
emulator="${1:-}"

fail() {
  echo "github-fidelity: $*" >&2
  exit 1
}

[[ -n "$emulator" ]] || fail "usage: run.sh PATH/TO/github-emulator"
[[ -x "$emulator" ]] || fail "$emulator is not an executable (build the github-emulator target first)"
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 ||
    fail "$tool is not installed: the fidelity suite needs Node.js 20+ and npm (run scripts/setup)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || fail "Node.js $(node --version) is too old: the suite needs 20 or newer"

if [[ ! -d "$here/node_modules/@octokit/rest" ]]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund) || fail "npm ci failed (is the npm registry reachable?)"
fi

workdir="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]]; then
    kill "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

token="ghp_fidelity_alice"
wf="acme/app/docker.yml"
"$emulator" --port 0 --token "$token:alice" --token "ghp_fidelity_reader:rita:read" \
  --workflow "$wf" --workflow-inputs "$wf=version!,build_id" \
  --run-name "$wf=build \${{ inputs.build_id }}" \
  --workflow-command "$wf=[\"sh\",\"-c\",\"echo version=\$INPUT_VERSION run=\$GITHUB_RUN_ID; test \\\"\$INPUT_VERSION\\\" != bad\"]" \
  --queued-seconds 0.2 --verbose \
  >"$workdir/stdout" 2>"$workdir/stderr" &
emulator_pid=$!

endpoint=""
for _ in $(seq 1 100); do
  endpoint="$(sed -n 's/^listening on //p' "$workdir/stdout")"
  [[ -n "$endpoint" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$workdir/stderr" >&2; fail "the emulator exited early"; }
  sleep 0.1
done
[[ -n "$endpoint" ]] || fail "the emulator did not print its address within 10 s"

status=0
(cd "$here" && GITHUB_API_URL="$endpoint" GITHUB_TOKEN="$token" node --test --test-reporter=spec github.test.mjs) ||
  status=$?
if (( status != 0 )); then
  echo "--- emulator requests (last 60) ---" >&2
  tail -n 60 "$workdir/stderr" >&2
fi
exit "$status"
