#!/usr/bin/env bash
# tests/snapshot.sh — krmfn's output against checked-in expectations.
#
#   testdata/krm/<case>.in.yaml        a ResourceList, fed to `krmfn` on stdin
#   testdata/snapshots/<case>.in.yaml  MLflow objects, given to `krmfn render`
#   examples/<name>/kustomization.yaml  `kustomize build --enable-alpha-plugins
#                                       --enable-exec` with krmfn on PATH,
#                                       expected in testdata/krm/examples/<name>.out.yaml
#                                       (skipped without $KUSTOMIZE)
#
# Beside each input: <case>.out.yaml (stdout), <case>.err (stderr, only
# when not empty), <case>.exit (status, only when not 0); optional inputs:
# <case>.env (VAR=value lines) and, for render, <case>.args (one argument a
# line). Commands run from the repository root.
#
#   tests/snapshot.sh            compare; TAP, a diff on each failure
#   tests/snapshot.sh --update   rewrite the expectations (review the diff!)
set -uo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=tests/lib.sh
. tests/lib.sh

KRMFN=$(abs_cmd "${KRMFN:-bin/krmfn}")
KUSTOMIZE=$(abs_cmd "${KUSTOMIZE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools/kustomize-v5.8.2/kustomize}")
update=0
[ "${1:-}" = --update ] && update=1
unset MLFLOW_IMAGE
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run_case KIND INPUT — runs one case into $work/{out,err,exit}.
run_case() {
    local kind=$1 in=$2 base=${2%.in.yaml}
    local -a envs=() args=()
    if [ -f "$base.env" ]; then mapfile -t envs <"$base.env"; fi
    if [ -f "$base.args" ]; then mapfile -t args <"$base.args"; fi
    local rc
    if [ "$kind" = kustomize ]; then
        # The examples name the function `krmfn`, found on PATH.
        mkdir -p "$work/path"
        ln -sf "$KRMFN" "$work/path/krmfn"
        PATH="$work/path:$PATH" "$KUSTOMIZE" build --enable-alpha-plugins \
            --enable-exec "$in" >"$work/out" 2>"$work/err"
    elif [ "$kind" = krm ]; then
        env "${envs[@]}" "$KRMFN" "${args[@]}" <"$in" >"$work/out" 2>"$work/err"
    else
        env "${envs[@]}" "$KRMFN" render "${args[@]}" "$in" </dev/null \
            >"$work/out" 2>"$work/err"
    fi
    rc=$?
    echo "$rc" >"$work/exit"
}

check_case() {
    local kind=$1 in=$2 base=${2%.in.yaml}
    [ "$kind" = kustomize ] && base=testdata/krm/examples/$(basename "$in")
    local name="$kind: $(basename "$base")"
    run_case "$kind" "$in"
    local rc
    rc=$(cat "$work/exit")
    if [ "$update" = 1 ]; then
        cp "$work/out" "$base.out.yaml"
        if [ -s "$work/err" ]; then cp "$work/err" "$base.err"; else rm -f "$base.err"; fi
        if [ "$rc" != 0 ]; then echo "$rc" >"$base.exit"; else rm -f "$base.exit"; fi
        tap_ok "$name (updated)"
        return
    fi
    local want_rc=0 bad=0
    [ -f "$base.exit" ] && want_rc=$(cat "$base.exit")
    : >"$work/diff"
    if [ "$rc" != "$want_rc" ]; then
        echo "exit status $rc, want $want_rc" >>"$work/diff"
        bad=1
    fi
    diff -u --label "$base.out.yaml" --label stdout "$base.out.yaml" "$work/out" >>"$work/diff" || bad=1
    local want_err=/dev/null
    [ -f "$base.err" ] && want_err=$base.err
    diff -u --label "$base.err" --label stderr "$want_err" "$work/err" >>"$work/diff" || bad=1
    if [ "$bad" = 0 ]; then
        tap_ok "$name"
    else
        tap_not_ok "$name"
        head -60 "$work/diff" | tap_diag
    fi
}

if [ ! -x "$KRMFN" ]; then
    echo "1..1"
    tap_not_ok "krmfn binary $KRMFN not built"
    exit 1
fi
shopt -s nullglob
krm=(testdata/krm/*.in.yaml)
snap=(testdata/snapshots/*.in.yaml)
examples=(examples/kubernetes examples/odh examples/rhoai)
tap_plan $((${#krm[@]} + ${#snap[@]} + ${#examples[@]} + 1))
for f in "${krm[@]}"; do check_case krm "$f"; done
for f in "${snap[@]}"; do check_case render "$f"; done
mkdir -p testdata/krm/examples
for f in "${examples[@]}"; do
    if [ -x "$KUSTOMIZE" ]; then
        check_case kustomize "$f"
    else
        tap_skip "kustomize: $f" "no kustomize at $KUSTOMIZE"
    fi
done
# The Python programs the containers run, in every reviewed output: no
# undefined name, unused import or syntax error (pyflakes).
if out=$(/usr/bin/python3 tests/python-scripts.py testdata/snapshots/*.out.yaml 2>&1); then
    tap_ok "the containers' Python programs pass pyflakes ($(tail -1 <<<"$out" | sed 's/^# //'))"
else
    tap_not_ok "the containers' Python programs pass pyflakes"
    grep -v '^ok' <<<"$out" | head -40 | tap_diag
fi
tap_summary snapshot
tap_status
