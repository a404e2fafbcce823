# shellcheck shell=bash
# shellcheck disable=SC2034  # SPACEPORT, REGISTRY, HUB, RECEIVER… are set for the sourcing script
# A local world for Spaceport, in bash: a real registry standing in for ghcr.io and the Hub
# emulator standing in for huggingface.co, both on loopback. Sourced (never run) by scripts/demo
# and bench/edit_to_commit, so there is one way to start each piece.
#
#   source scripts/lib/world.sh
#   world_init build                               # a temp dir ($WORLD) and the EXIT trap
#   world_start_registry                           # sets $REGISTRY (http://127.0.0.1:PORT)
#   world_seed_image acme/notes-app v2.1.1         # pushed as $REGISTRY/acme/notes-app:v2.1.1
#   world_start_hub --token hf_demo:demo:acme      # sets $HUB, maps ghcr.io to $REGISTRY
#   world_create_space hf_demo acme/notes          # an empty Docker Space, through the Hub API
#   world_write_config "$WORLD/spaceport.yaml" DEMO_HF_TOKEN
#   world_background "$WORLD/run.log" spaceport run ...   # $! is its PID; stopped at exit
#   world_wait_url "http://127.0.0.1:$port/readyz" 60
#
# Everything started through world_background (the registry and the emulator too) is stopped,
# by its own PID, when the sourcing script exits, whatever the reason; then $WORLD is removed.
# The functions print errors on stderr and return non-zero; callers run under `set -e`.

WORLD=""
WORLD_PIDS=()

# world_init BUILD_DIR: the temp dir and the cleanup trap; sets $SPACEPORT and $HUB_EMULATOR.
world_init() {
  SPACEPORT="$1/controller/spaceport"
  HUB_EMULATOR="$1/tests/emulators/hub/hub-emulator"
  WORLD=$(mktemp -d)
  trap world_stop EXIT
  # A signal ends the script through `exit`, so the EXIT trap stops the world in every case.
  trap 'exit 129' HUP
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

# world_stop: SIGTERM to everything started, SIGKILL to what still runs 10 s later.
world_stop() {
  local pid deadline=$((SECONDS + 10))
  for pid in "${WORLD_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${WORLD_PIDS[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  WORLD_PIDS=()
  if [ -n "$WORLD" ]; then rm -rf "$WORLD"; fi
}

# world_background LOG COMMAND...: starts COMMAND with stdout and stderr in LOG; stopped at exit.
world_background() {
  local log=$1; shift
  "$@" > "$log" 2>&1 &
  WORLD_PIDS+=($!)
}

# world_forget PID: the caller stopped PID itself (e.g. to check its exit code).
world_forget() {
  local kept=() pid
  for pid in "${WORLD_PIDS[@]}"; do [ "$pid" = "$1" ] || kept+=("$pid"); done
  WORLD_PIDS=("${kept[@]}")
}

world_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# world_wait_url URL SECONDS: until URL answers 2xx; non-zero at the deadline.
world_wait_url() {
  local url=$1 deadline=$((SECONDS + $2))
  until curl -fs -o /dev/null "$url"; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "world: $url did not answer within $2 s" >&2; return 1; fi
    sleep 0.1
  done
}

# world_start_registry: Debian's docker-registry on a free loopback port, storage in $WORLD.
world_start_registry() {
  local port
  port=$(world_free_port)
  cat > "$WORLD/registry.yml" <<YAML
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $WORLD/registry}}
http: {addr: 127.0.0.1:$port}
YAML
  world_background "$WORLD/registry.log" docker-registry serve "$WORLD/registry.yml"
  REGISTRY="http://127.0.0.1:$port"
  world_wait_url "$REGISTRY/v2/" 10 || { cat "$WORLD/registry.log" >&2; return 1; }
}

# world_seed_image REPO TAG [ENV...]: a small single-platform OCI image (no layers; a config
# naming /app/run) made with umoci and pushed with skopeo as $REGISTRY/REPO:TAG. A second tag of
# the same REPO is another image (its config says which tag it is).
world_seed_image() {
  local repo=$1 tag=$2 layout="$WORLD/oci"
  shift 2
  local config=(--os linux --architecture amd64 --config.env PATH=/usr/bin:/bin
                --config.cmd /app/run --config.workingdir /app
                --config.label "org.opencontainers.image.version=$tag")
  local env
  for env in "$@"; do config+=(--config.env "$env"); done
  [ -d "$layout" ] || umoci init --layout "$layout" > /dev/null
  umoci new --image "$layout:seed" > /dev/null
  umoci config --image "$layout:seed" "${config[@]}" > /dev/null
  skopeo copy -q --dest-tls-verify=false "oci:$layout:seed" "docker://${REGISTRY#http://}/$repo:$tag"
  umoci rm --image "$layout:seed" > /dev/null
}

# world_start_hub [EMULATOR FLAGS...]: the Hub emulator on a free port with ghcr.io mapped to
# $REGISTRY (its builds check FROM images there), builds and starts of $HUB_BUILD_SECONDS and
# $HUB_START_SECONDS (1 s each unless set), and Space apps served (a health check reaches RUNNING
# Spaces). Give at least one --token. Sets $HUB.
world_start_hub() {
  world_background "$WORLD/hub.log" "$HUB_EMULATOR" --port 0 --registry-map "ghcr.io=$REGISTRY" \
    --build-seconds "${HUB_BUILD_SECONDS:-1}" --start-seconds "${HUB_START_SECONDS:-1}" --serve-apps "$@"
  HUB=""
  local deadline=$((SECONDS + 10))
  until HUB=$(grep -o 'http://[0-9.:]*' "$WORLD/hub.log" 2>/dev/null | head -n 1) && [ -n "$HUB" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "world: the Hub emulator did not start" >&2; cat "$WORLD/hub.log" >&2; return 1; fi
    sleep 0.1
  done
}

# world_create_space TOKEN OWNER/NAME: a Docker Space created through the Hub API, as someone
# would create it on huggingface.co before handing it to Spaceport (a Space without
# `create: true` must exist). The emulator seeds it with a README; it has no Dockerfile yet.
world_create_space() {
  local token=$1 owner=${2%%/*} name=${2#*/}
  curl -fsS -X POST "$HUB/api/repos/create" -H "Authorization: Bearer $token" \
    -H 'Content-Type: application/json' \
    -d "{\"type\":\"space\",\"name\":\"$name\",\"organization\":\"$owner\",\"sdk\":\"docker\"}" > /dev/null
}

# world_write_config FILE TOKEN_ENV: a controller config mapping ghcr.io to $REGISTRY and the Hub
# to $HUB, the token read from the environment variable TOKEN_ENV, state in $WORLD/state.
world_write_config() {
  cat > "$1" <<YAML
apiVersion: spaceport.dev/v1alpha1
kind: ControllerConfig
registries:
  - {host: ghcr.io, endpoint: "$REGISTRY", insecure: true}
hub: {endpoint: "$HUB", insecure: true, tokenFromEnv: $2}
stateDir: $WORLD/state
YAML
}

# world_space_field OWNER/NAME PYTHON-EXPR: a value from the emulator's view of a Space
# (GET /__emulator/spaces/...), the document bound to `d`: world_space_field acme/notes 'd["sha"]'.
world_space_field() {
  curl -fs "$HUB/__emulator/spaces/$1" |
    python3 -c "import json,sys; d=json.load(sys.stdin); print($2)"
}

# world_start_receiver FILE: a webhook receiver on a free loopback port that appends every POST
# body to FILE, one per line, and answers 204 (what --notify posts to). Sets $RECEIVER (its URL).
world_start_receiver() {
  local port
  port=$(world_free_port)
  world_background "$WORLD/receiver.log" python3 -c '
import http.server, sys
class Receiver(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as f:
            f.write(body.replace(b"\n", b" ") + b"\n")
        self.send_response(204)
        self.end_headers()
    def log_message(self, *args):
        pass
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), Receiver).serve_forever()
' "$port" "$1"
  RECEIVER="http://127.0.0.1:$port/notify"
  local deadline=$((SECONDS + 10))
  until python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$port" 2>/dev/null; do
    if [ "$SECONDS" -ge "$deadline" ]; then echo "world: the receiver did not start" >&2; cat "$WORLD/receiver.log" >&2; return 1; fi
    sleep 0.1
  done
}

# The world of examples/, as scripts/demo and the console's browser tests (tests/console) use it:
#   world_seed_examples            the images examples/ name, pushed to $REGISTRY
#   world_create_example_spaces    their four Spaces on $HUB (token hf_demo, started with
#                                  world_start_hub --token hf_demo:your-username:acme)
#   world_deploy_status_page_once  status-page (driftPolicy: warn never deploys) applied once by
#                                  hand with driftPolicy correct, as before it was put under watch;
#                                  needs the config written and its token exported
EXAMPLE_SPACES=(your-username/grok2api-space your-username/grok2api-staging acme/notes acme/status)

world_seed_examples() {
  world_seed_image gdtiti/grok2api-api v1.0.0
  world_seed_image acme/notes-app v2.1.1
  world_seed_image acme/notes-app v3.0.0      # outside notes-app's range >=2.0.0 <3.0.0: never picked
  world_seed_image acme/status-page 1.4.2
}

world_create_example_spaces() {
  local space
  for space in "${EXAMPLE_SPACES[@]}"; do world_create_space hf_demo "$space"; done
}

# world_deploy_status_page_once CONFIG LOG
world_deploy_status_page_once() {
  python3 - examples/tools.yaml "$WORLD/status-page" <<'PY'
import os, re, sys
docs = open(sys.argv[1]).read().split("\n---\n")
doc = next(d for d in docs if re.search(r"^  name: status-page$", d, re.M))
os.makedirs(sys.argv[2])
open(os.path.join(sys.argv[2], "status-page.yaml"), "w").write(doc.replace("driftPolicy: warn", "driftPolicy: correct"))
PY
  "$SPACEPORT" apply "$WORLD/status-page" --config "$1" 2> "$2" | tail -n 1 || { cat "$2" >&2; return 1; }
}
