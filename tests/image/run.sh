#!/usr/bin/env bash
# The controller image (docs/image.md), built here without a daemon and checked from the outside:
#
#   tests/image/run.sh build/controller/spaceport
#
# 1. scripts/build-image packages the given binary with the repository's Dockerfile
#    (`--target prebuilt`: the same runtime stage as the from-source build) on bases made locally.
# 2. Inside the image (`buildah run`): `spaceport version` prints the CMakeLists.txt version; the
#    process runs as 65532:65532; the config says User 65532:65532, the entrypoint and command;
#    `ldd /usr/bin/spaceport` finds every library; git (with its https helper) and ssh run; the CA
#    bundle is there; and the controller itself clones a git source (file://) with the image's git
#    into the image's state directory.
# 3. Pushed to a real registry (Debian's docker-registry on a free loopback port) and read back
#    with skopeo (manifest, config, and a copy that re-verifies every blob digest). Prints the
#    compressed size (sum of the manifest's layer sizes) and the unpacked size; fails above
#    SPACEPORT_IMAGE_MAX_MB (default 60) MiB compressed.
#
# Needs root (buildah with vfs and chroot isolation) and the Debian packages buildah, skopeo,
# docker-registry, debootstrap, jq, curl (scripts/setup installs them). Fails, never skips, when
# one is missing. Every process it starts is stopped by its PID on exit.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

fail() { echo "image: FAIL: $*" >&2; exit 1; }
ok() { echo "image: ok: $*"; }

binary=${1:-}
[ -n "$binary" ] || fail "usage: tests/image/run.sh PATH/TO/spaceport"
[ -x "$binary" ] || fail "$binary is not an executable (build the spaceport target first)"
[ "$(id -u)" -eq 0 ] || fail "needs root: buildah runs with vfs storage and chroot isolation"
for tool in buildah:buildah skopeo:skopeo docker-registry:docker-registry debootstrap:debootstrap \
            jq:jq curl:curl strip:binutils; do
  command -v "${tool%%:*}" >/dev/null 2>&1 ||
    fail "${tool%%:*} is not installed: run scripts/setup (Debian package ${tool#*:})"
done
version=$(sed -n 's/^project(spaceport VERSION \([0-9][0-9.]*\).*/\1/p' "$repo/CMakeLists.txt")
max_mb=${SPACEPORT_IMAGE_MAX_MB:-60}

work=$(mktemp -d)
image="localhost/spaceport-image-test:$$"
ctr=""
registry_pid=""
B() { "$repo/scripts/build-image" buildah "$@"; }
cleanup() {
  if [ -n "$registry_pid" ]; then kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; fi
  if [ -n "$ctr" ]; then B umount "$ctr" >/dev/null 2>&1 || true; B rm "$ctr" >/dev/null 2>&1 || true; fi
  B rmi "$image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- 1. build ---------------------------------------------------------------------------------
t0=$(date +%s)
"$repo/scripts/build-image" --binary "$binary" --tag "$image" >"$work/build.log" 2>&1 ||
  { tail -40 "$work/build.log" >&2; fail "scripts/build-image failed (log above)"; }
[ "$(tail -1 "$work/build.log")" = "$image" ] || fail "scripts/build-image did not print $image last"
ok "built $image in $(($(date +%s) - t0)) s"

# ---- 2. inside --------------------------------------------------------------------------------
B inspect --type image "$image" >"$work/inspect.json"
config() { jq -c "$1" "$work/inspect.json"; }
[ "$(config .OCIv1.config.User)" = '"65532:65532"' ] || fail "config User is $(config .OCIv1.config.User), want 65532:65532"
[ "$(config .OCIv1.config.Entrypoint)" = '["/usr/bin/spaceport"]' ] || fail "Entrypoint is $(config .OCIv1.config.Entrypoint)"
[ "$(config .OCIv1.config.Cmd)" = '["run","--kube","--listen","0.0.0.0:8080"]' ] || fail "Cmd is $(config .OCIv1.config.Cmd)"
[ "$(config '.OCIv1.config.Labels["org.opencontainers.image.version"]')" = "\"$version\"" ] ||
  fail "label org.opencontainers.image.version is $(config '.OCIv1.config.Labels["org.opencontainers.image.version"]')"
for label in title description source revision; do
  [ "$(config ".OCIv1.config.Labels[\"org.opencontainers.image.$label\"] // \"\" | length > 0")" = true ] ||
    fail "label org.opencontainers.image.$label is missing"
done
ok "config: User 65532:65532, Entrypoint [/usr/bin/spaceport], Cmd [run --kube --listen 0.0.0.0:8080], OCI labels (version $version)"

ctr=$(B from --pull=never "$image")
mnt=$(B mount "$ctr")
unpacked=$(du -sb "$mnt" | cut -f1)
B umount "$ctr" >/dev/null
run() { B run --isolation chroot "$ctr" -- "$@"; }

got=$(run spaceport version) || fail "spaceport version failed inside the image: $got"
echo "$got" | grep -qx "spaceport $version" || fail "spaceport version printed '$got', want 'spaceport $version'"
ok "spaceport version: $(echo "$got" | tr '\n' ' ')"

[ "$(run id -u)" = 65532 ] || fail "id -u inside is $(run id -u), want 65532"
[ "$(run id -g)" = 65532 ] || fail "id -g inside is $(run id -g), want 65532"
ok "runs as uid 65532 gid 65532 ($(run id))"

run ldd /usr/bin/spaceport >"$work/ldd.txt" 2>&1 || fail "ldd failed: $(cat "$work/ldd.txt")"
if grep -q "not found" "$work/ldd.txt"; then fail "missing libraries: $(grep 'not found' "$work/ldd.txt")"; fi
ok "ldd: $(grep -c '=>' "$work/ldd.txt") libraries, none missing"

gitv=$(run git --version) || fail "git --version failed inside the image"
sshv=$(run ssh -V 2>&1) || fail "ssh -V failed inside the image"
run test -s /etc/ssl/certs/ca-certificates.crt || fail "no CA bundle at /etc/ssl/certs/ca-certificates.crt"
# https sources go through git's curl helper (git-remote-https): it must be there and get as far
# as connecting (port 9 on loopback refuses at once).
https_out=$(run git ls-remote https://127.0.0.1:9/none.git 2>&1 || true)
echo "$https_out" | grep -q "unable to access 'https://127.0.0.1:9/" ||
  fail "git over https does not reach the network layer: $https_out"
ok "$gitv (https helper present); $sshv; CA bundle present"

# The controller shells out to git: a git source served from a file:// repository, cloned into
# the image's default state directory (SPACEPORT_STATE_DIR=/var/lib/spaceport, owned by 65532).
# The one deployment is suspended, so --once needs no network.
git init -q -b main "$work/deploy"
cat >"$work/deploy/app.yaml" <<'EOF'
apiVersion: spaceport.dev/v1alpha1
kind: SpaceDeployment
metadata: {name: image-test, namespace: default}
spec:
  image: {repository: registry.invalid/owner/app, version: v1.0.0}
  spaces: [{id: owner/app}]
  suspend: true
EOF
git -C "$work/deploy" -c user.name=test -c user.email=test@invalid add -A
git -C "$work/deploy" -c user.name=test -c user.email=test@invalid commit -qm "image test"
head=$(git -C "$work/deploy" rev-parse HEAD)
B copy --chown 65532:65532 "$ctr" "$work/deploy" /tmp/deploy >/dev/null
run spaceport run --source "git:file:///tmp/deploy#main" --once --listen off >"$work/run.log" 2>&1 ||
  { cat "$work/run.log" >&2; fail "spaceport run --once with a git source failed inside the image"; }
grep -q "desired state $head" "$work/run.log" ||
  { cat "$work/run.log" >&2; fail "the controller did not read commit $head through git"; }
run test -d /var/lib/spaceport/git || fail "no git cache in /var/lib/spaceport"
ok "spaceport run --once read git:file:///tmp/deploy#main at ${head:0:12} with the image's git as 65532"

# ---- 3. registry ------------------------------------------------------------------------------
port=""
for _ in 1 2 3 4 5; do
  candidate=$((20000 + RANDOM % 40000))
  ss -ltnH "( sport = :$candidate )" | grep -q . && continue
  mkdir -p "$work/registry"
  cat >"$work/registry/config.yml" <<EOF
version: 0.1
log: {level: info, formatter: text}
storage:
  filesystem: {rootdirectory: $work/registry/data}
  delete: {enabled: true}
  cache: {blobdescriptor: inmemory}
http:
  addr: 127.0.0.1:$candidate
  headers: {X-Content-Type-Options: [nosniff]}
EOF
  docker-registry serve "$work/registry/config.yml" >"$work/registry/log" 2>&1 &
  registry_pid=$!
  for _ in $(seq 1 150); do
    if curl -fs "http://127.0.0.1:$candidate/v2/" >/dev/null 2>&1; then port=$candidate; break; fi
    kill -0 "$registry_pid" 2>/dev/null || break
    sleep 0.1
  done
  [ -n "$port" ] && break
  kill "$registry_pid" 2>/dev/null || true; wait "$registry_pid" 2>/dev/null || true; registry_pid=""
done
[ -n "$port" ] || { cat "$work/registry/log" >&2 2>/dev/null || true; fail "docker-registry did not start on a loopback port"; }
ok "docker-registry serving on 127.0.0.1:$port"

ref="127.0.0.1:$port/spaceport-dev/spaceport:$version"
B push --quiet --tls-verify=false "$image" "docker://$ref" >/dev/null 2>"$work/push.log" ||
  { cat "$work/push.log" >&2; fail "buildah push to $ref failed"; }
skopeo inspect --tls-verify=false --raw "docker://$ref" >"$work/manifest.json" || fail "skopeo inspect --raw $ref failed"
skopeo inspect --tls-verify=false --config "docker://$ref" >"$work/config.json" || fail "skopeo inspect --config $ref failed"
skopeo inspect --tls-verify=false "docker://$ref" >"$work/remote.json" || fail "skopeo inspect $ref failed"
[ "$(jq -r .config.User "$work/config.json")" = 65532:65532 ] || fail "the pushed config's User is $(jq -r .config.User "$work/config.json")"
[ "$(jq -r '.Labels["org.opencontainers.image.version"]' "$work/remote.json")" = "$version" ] ||
  fail "the pushed image's version label is $(jq -r '.Labels["org.opencontainers.image.version"]' "$work/remote.json")"
skopeo copy --quiet --src-tls-verify=false "docker://$ref" "oci:$work/oci:readback" >/dev/null ||
  fail "skopeo copy of $ref back to an OCI layout failed (blob digests re-verified)"
layers=$(jq '.layers | length' "$work/manifest.json")
compressed=$(jq '[.layers[].size] | add' "$work/manifest.json")
ok "pushed $ref ($(jq -r .mediaType "$work/manifest.json"), digest $(jq -r .Digest "$work/remote.json")) and read it back"

mib() { awk -v b="$1" 'BEGIN{printf "%.1f MiB", b/1048576}'; }
echo "image: size: $(mib "$compressed") compressed ($compressed bytes in $layers layers), $(mib "$unpacked") unpacked"
jq -r '.layers[] | "image:   layer \(.digest[7:19]) \(.size) bytes"' "$work/manifest.json"
[ "$compressed" -le $((max_mb * 1048576)) ] ||
  fail "the image is $(mib "$compressed") compressed, above the $max_mb MiB budget (SPACEPORT_IMAGE_MAX_MB)"
ok "under $max_mb MiB compressed"
echo "image: all checks passed"
