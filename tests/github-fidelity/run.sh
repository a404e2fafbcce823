#!/usr/bin/env bash
# Fidelity suite: runs the official @octokit/rest client (Node, see package.json) against the
# GitHub emulator program, validating every answer against @octokit/openapi.
#
#   tests/github-fidelity/run.sh build/tests/emulators/github/github-emulator
#
# Builds nothing: the emulator is the path given. Installs the pinned client with `npm ci` when
# node_modules is missing. Fails (never skips) when node or npm is missing. The emulator is
# started on a free loopback port and stopped by its PID when this script exits.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../support/fidelity.sh"

fidelity_init github-fidelity "$here" @octokit/rest "${1:-}"
token="ghp_fidelity_alice"
wf="acme/app/docker.yml"
fidelity_start_emulator --token "$token:alice" --token "ghp_fidelity_reader:rita:read" \
  --workflow "$wf" --workflow-inputs "$wf=version!,build_id" \
  --run-name "$wf=build \${{ inputs.build_id }}" \
  --workflow-command "$wf=[\"sh\",\"-c\",\"echo version=\$INPUT_VERSION run=\$GITHUB_RUN_ID; test \\\"\$INPUT_VERSION\\\" != bad\"]" \
  --queued-seconds 0.2 --verbose
fidelity_run_tests GITHUB_API_URL="$endpoint" GITHUB_TOKEN="$token" -- github.test.mjs
