#!/usr/bin/env bash
# Fidelity suite: runs the official @huggingface/hub client (Node, see package.json) against the
# Hub emulator program and fails if the client does not accept what the emulator answers.
#
#   tests/hub-fidelity/run.sh build/tests/emulators/hub/hub-emulator
#
# Builds nothing: the emulator is the path given. Installs the pinned client with `npm ci` when
# node_modules is missing. Fails (never skips) when node or npm is missing. The emulator is
# started on a free loopback port and stopped by its PID when this script exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../support/fidelity.sh"

fidelity_init hub-fidelity "$here" @huggingface/hub "${1:-}"
token="hf_fidelity_alice_token"
fidelity_start_emulator --token "$token:alice:fidelity-org" \
  --build-seconds 30 --start-seconds 30 --assume-unmapped-images --verbose
fidelity_run_tests HF_ENDPOINT="$endpoint" HF_TOKEN="$token" -- hub.test.mjs
