#!/usr/bin/env bash
# Builds the binaries of the test control plane into the cache folder, once: a build is reused while
# its inputs (the tools module, this script, the Go toolchain and the kwok version) are unchanged.
#
#   kube-apiserver, kube-controller-manager, kube-scheduler  from k8s.io/kubernetes (tools/go.mod)
#   kubectl                                                  from k8s.io/kubectl (tools/go.mod), for make bench
#   etcd                                                     from go.etcd.io/etcd/server/v3 (tools/go.mod)
#   kwok                                                     from sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION
#   kwok-stages.yaml                                         kwok's own stage configs from that module
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${KTRIAGE_TESTENV_CACHE:-$root/.cache/testenv}
bin=$cache/bin
KUBE_VERSION=v1.37.2
KWOK_VERSION=v0.8.0

inputs_hash() {
  {
    echo "kube=$KUBE_VERSION kwok=$KWOK_VERSION"
    go version
    cat "$here/build.sh" "$here/tools/go.mod" "$here/tools/go.sum"
    find "$here/tools" -name '*.go' -print0 | sort -z | xargs -0 cat
  } | sha256sum | cut -d' ' -f1
}

want=$(inputs_hash)
if [ -f "$bin/.inputs" ] && [ "$(cat "$bin/.inputs")" = "$want" ]; then
  echo "testenv: binaries in $bin are up to date"
  exit 0
fi

mkdir -p "$bin"
rm -f "$bin/.inputs"
start=$(date +%s)

# The real version is stamped so /version reports it instead of v0.0.0-master.
ldflags="-s -w \
  -X k8s.io/component-base/version.gitVersion=$KUBE_VERSION \
  -X k8s.io/component-base/version.gitMajor=1 \
  -X k8s.io/component-base/version.gitMinor=37 \
  -X k8s.io/component-base/version.gitTreeState=clean \
  -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
echo "testenv: building kube-apiserver, kube-controller-manager, kube-scheduler, kubectl $KUBE_VERSION and etcd (about 8 minutes cold)"
(cd "$here/tools" && CGO_ENABLED=0 go build -trimpath -ldflags "$ldflags" -o "$bin/" \
  ./kube-apiserver ./kube-controller-manager ./kube-scheduler ./kubectl ./etcd)

echo "testenv: building kwok $KWOK_VERSION"
(cd / && GOBIN=$bin CGO_ENABLED=0 go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")

# kwok's own stage configs: node initialise, node heartbeat (with lease), pod ready/complete/delete.
# Documents in one -c file must be separated by "---" or kwok reports "no stages found".
stages=$(cd / && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')/kustomize/stage
{
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "# from sigs.k8s.io/kwok@$KWOK_VERSION/kustomize/stage/$f"
    cat "$stages/$f"
    echo "---"
  done
} > "$bin/kwok-stages.yaml"

"$bin/kube-apiserver" --version
"$bin/etcd" --version
"$bin/kwok" --version 2>/dev/null || true
echo "$want" > "$bin/.inputs"
echo "testenv: built in $(( $(date +%s) - start ))s into $bin"
