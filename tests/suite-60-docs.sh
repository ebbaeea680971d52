#!/usr/bin/env bash
# tests/suite-60-docs.sh — the documentation's commands run as written.
#
# Every fenced block marked `sh` in README.md and docs/install.md is run
# with bash from the repository root (blocks marked `console` need a
# cluster and are not run). Each block must exit 0. The one command left
# out is `make test`: it is the command running this suite.
set -uo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

tools=${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools
KUSTOMIZE=${KUSTOMIZE:-$tools/kustomize-v5.8.2/kustomize}
HELM=${HELM:-$tools/helm-v3.21.4/helm}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bin"
ln -s "$(realpath "$KUSTOMIZE")" "$work/bin/kustomize"
ln -s "$(realpath "$HELM")" "$work/bin/helm"

# blocks FILE: writes each sh block to $work/<file>.<n>.sh
blocks() {
    awk -v dir="$work" -v tag="$(echo "$1" | tr '/.' '__')" '
        /^```sh[[:space:]]*$/ { n++; inblock = 1; out = dir "/" tag "." n ".sh"; printf "" > out; next }
        /^```/ && inblock { inblock = 0; close(out); next }
        inblock { print >> out }' "$1"
}

for doc in README.md docs/install.md; do
    blocks "$doc"
done
total=$(ls "$work"/*.sh 2>/dev/null | wc -l)
tap_plan "$total"
for f in $(ls "$work"/*.sh | sort -V); do
    name="$(basename "$f" .sh | sed 's/_md\./.md block /; s/_/\//g')"
    grep -vx 'make test\( .*\)\?' "$f" | sed 's/[[:space:]]*#.*$//' >"$f.run"
    first=$(grep -m1 . "$f.run")
    # A reader that stops early (head, grep -m/-q) makes the writer die of
    # SIGPIPE when it loses the race, and pipefail turns that into a failure
    # on some runs only: such a block is wrong as documentation too.
    if grep -Eq '\|[[:space:]]*(head|grep[[:space:]]+(-[a-zA-Z]*[mq]))' "$f.run"; then
        tap_not_ok "$name: $first"
        echo "a pipe into a reader that stops early fails at random under pipefail" | tap_diag
        continue
    fi
    if PATH="$work/bin:$PATH" bash -eo pipefail "$f.run" >"$f.out" 2>&1; then
        tap_ok "$name: $first"
    else
        tap_not_ok "$name: $first"
        tail -15 "$f.out" | tap_diag
    fi
done
tap_summary suite-60-docs
tap_status
