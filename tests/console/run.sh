#!/usr/bin/env bash
# The ops console in real browsers: Debian's headless Chromium (CDP) and Firefox ESR (WebDriver
# BiDi), both driven by puppeteer-core (npm), one after the other against one demo world — a real
# registry with the images examples/ name, the Hub emulator with their Spaces, and `spaceport run`
# (started and restarted by the test itself, once per browser).
#
#   tests/console/run.sh BUILD_DIR            # ctest runs it as the test `console`
#   CONSOLE_BROWSERS=firefox tests/console/run.sh build       # one browser only (chromium, firefox)
#   SPACEPORT_CONSOLE_BENCH=1000 tests/console/run.sh build   # also: time to first render with N deployments (Chromium)
#
# Builds nothing. Installs puppeteer-core with `npm ci` when node_modules is missing. Fails (never
# skips) when chromium, firefox-esr, node or npm is missing: scripts/setup installs them. Screenshots
# go to BUILD_DIR/console-screenshots (Firefox's end in -firefox.png). Everything started is stopped
# by PID when this script exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$(cd "${1:?usage: tests/console/run.sh BUILD_DIR}" && pwd)"
fail() { echo "console: $*" >&2; exit 1; }

browsers=${CONSOLE_BROWSERS:-chromium firefox}
chromium_bin=${CHROMIUM_BIN:-/usr/bin/chromium}
firefox_bin=${FIREFOX_BIN:-/usr/bin/firefox-esr}
for browser in $browsers; do
  case "$browser" in
    chromium) [ -x "$chromium_bin" ] || fail "$chromium_bin is missing: the browser tests need Debian's chromium (run scripts/setup)" ;;
    firefox) [ -x "$firefox_bin" ] || fail "$firefox_bin is missing: the browser tests need Debian's firefox-esr (run scripts/setup)" ;;
    *) fail "CONSOLE_BROWSERS: unknown browser $browser (chromium, firefox)" ;;
  esac
done
for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing: the browser tests need Node.js 20+ and npm (run scripts/setup)"
done
(( $(node -p 'process.versions.node.split(".")[0]') >= 20 )) || fail "Node.js $(node --version) is too old: 20 or newer"
for bin in "$build/controller/spaceport" "$build/tests/emulators/hub/hub-emulator"; do
  [ -x "$bin" ] || fail "$bin is missing (build the spaceport and hub-emulator targets first)"
done
if [ ! -d "$here/node_modules/puppeteer-core" ]; then
  (cd "$here" && npm ci --silent --no-audit --no-fund) || fail "npm ci failed (is the npm registry reachable?)"
fi

cd "$root"
source scripts/lib/world.sh
world_init "$build"

echo "console: starting the demo world (registry, Hub emulator, Spaces)"
world_start_registry
world_seed_examples
world_seed_image lab/hostile-app 1.0.0
world_start_hub --token hf_demo:your-username:acme,lab
world_create_example_spaces
world_create_space hf_demo lab/hostile
world_write_config "$WORLD/spaceport.yaml" DEMO_HF_TOKEN
export DEMO_HF_TOKEN=hf_demo
export GROK_API_KEY=console-grok-api-key
export SPACEPORT_HUB_WEBHOOK_SECRET=console-hub-hook
export SPACEPORT_TRIGGER_SECRET=console-trigger-secret
world_deploy_status_page_once "$WORLD/spaceport.yaml" "$WORLD/apply.log" > /dev/null
# Each browser's controller starts from this state (the tests restore it before each browser).
cp -a "$WORLD/state" "$WORLD/state.initial"

# The desired state: examples/ and one deployment whose annotation and variable carry markup.
mkdir -p "$WORLD/desired"
cp examples/grok2api.yaml examples/tools.yaml "$WORLD/desired/"
cat > "$WORLD/desired/hostile.yaml" <<'YAML'
apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata:
  name: hostile
  namespace: lab
  annotations:
    spaceport.dev/note: "<img src=x onerror=\"window.__xss=1;alert(1)\"></script><script>window.__xss=2</script>"
spec:
  image:
    repository: ghcr.io/lab/hostile-app
    version: "1.0.0"
  spaces:
    - id: lab/hostile
      variables:
        GREETING: "<img src=x onerror=\"window.__xss=3;alert(3)\"></script><script>alert(4)</script>"
  interval: 10m
YAML

export SPACEPORT="$build/controller/spaceport" HUB_EMULATOR HUB REGISTRY WORLD CHROMIUM_BIN="$chromium_bin"
export FIREFOX_BIN="$firefox_bin" CONSOLE_BROWSERS="$browsers"
export CONSOLE_STATE="$WORLD/state" CONSOLE_STATE_INITIAL="$WORLD/state.initial"
export CONSOLE_DESIRED="$WORLD/desired" CONSOLE_CONFIG="$WORLD/spaceport.yaml"
export CONSOLE_SCREENSHOTS="$build/console-screenshots"
export CONSOLE_PORT="$(world_free_port)"
mkdir -p "$CONSOLE_SCREENSHOTS"
cd "$here"
node --test --test-reporter=spec --test-concurrency=1 console.test.mjs
if [ -n "${SPACEPORT_CONSOLE_BENCH:-}" ]; then
  node bench.mjs "$SPACEPORT_CONSOLE_BENCH"
fi
