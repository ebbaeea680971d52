#!/usr/bin/env bash
# tests/parity.sh — the real chart, rendered by real helm and by krmfn.
#
# Each folder testdata/parity/<case>/ is one rendering of charts/mlflow:
#   args          extra arguments (optional), words as xargs(1) reads them:
#                 blanks or newlines separate, quotes and backslashes protect
#   values.yaml   passed as the last -f (optional)
#   release       the release name, first line (optional; default mlflow)
#   expect-error  present when helm must fail on this case
#   stderr        text krmfn's error must contain (a fixed string, first
#                 line), for an expect-error case
# Both run from inside the case folder, so a file named in `args` is
# relative to it:
#   $HELM  template <release> charts/mlflow <args> [-f values.yaml]
#   $KRMFN template <release> charts/mlflow <args> [-f values.yaml]
# Their stdout must be the same bytes; when helm fails, krmfn must fail too
# and print nothing on stdout. Prints TAP; exits non-zero when a case fails.
#
#   tests/parity.sh [PATTERN...]     (extended regexps on the case name)
#
# Environment: HELM, KRMFN, JOBS, ORACLE_CACHE, RUN_TIMEOUT as in
# tests/conformance.sh; CHART (default charts/mlflow); CASES_DIR (default
# testdata/parity); SUITE, the name the TAP lines start with (default
# parity). helm's results are cached under a hash of the case's
# files, every file of the chart and the helm binary.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

# Bump when the way a case is run changes: it names the cache bucket.
LAYOUT=parity-v1

# tree_hash DIR — one SHA-256 over the names and contents of every file
# under DIR.
tree_hash() {
	(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum) |
		sha256sum | cut -c1-64
}

# run_case INDEX CASEDIR — runs one case; the verdict goes to $WORK/res/INDEX.
run_case() {
	local case=$2 scratch=$WORK/$1 res=$WORK/res/$1 release=mlflow expect=0 key
	local -a args=()
	mkdir -p "$scratch"
	if [ -s "$case/args" ]; then
		mapfile -d '' args < <(split_args "$case/args")
	fi
	if [ -f "$case/values.yaml" ]; then
		args+=(-f "$case/values.yaml")
	fi
	if [ -s "$case/release" ]; then
		read -r release <"$case/release"
	fi
	if [ -e "$case/expect-error" ]; then
		expect=1
	fi
	key=$(printf '%s\n%s\n' "$CHART_HASH" "$(tree_hash "$case")" | sha256sum | cut -c1-64)
	oracle_run "$BUCKET" "$key" "$scratch/helm" "$case" \
		"$HELM" template "$release" "$CHART" "${args[@]}"
	if [ "$ORACLE_RAN" = 1 ]; then
		: >"$res.helm"
	fi
	run_limited "$scratch/ours" "$case" "$KRMFN" template "$release" "$CHART" "${args[@]}"
	oracle_judge "$ORACLE_PREFIX" "$scratch/ours" "$expect" >"$res"
	if [ -s "$case/stderr" ]; then
		local want
		read -r want <"$case/stderr"
		judge_stderr "$scratch/ours" "$want" "$res"
	fi
}

main() {
	local -a cases=() names=()
	local dir name i n start=$EPOCHREALTIME
	CASES_DIR=$(realpath -m -- "${CASES_DIR:-$ROOT/testdata/parity}")
	SUITE=${SUITE:-parity}
	CHART=$(realpath -m -- "${CHART:-$ROOT/charts/mlflow}")
	HELM=$(default_helm)
	KRMFN=$(abs_cmd "${KRMFN:-$ROOT/bin/krmfn}")
	JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

	if [ -d "$CASES_DIR" ]; then
		while IFS= read -r dir; do
			name=${dir##*/}
			if suite_match "$name" "$@"; then
				cases+=("$dir")
				names+=("$name")
			fi
		done < <(find "$CASES_DIR" -mindepth 1 -maxdepth 1 -type d | LC_ALL=C sort)
	fi
	n=${#cases[@]}
	tap_plan "$n"
	if [ "$n" -eq 0 ]; then
		tap_diag "no parity case found in $CASES_DIR"
		tap_summary "$SUITE"
		return 0
	fi
	if [ ! -f "$CHART/Chart.yaml" ]; then
		suite_fail_all "$SUITE" "no chart at $CHART" "${names[@]}"
		tap_summary "$SUITE"
		return 1
	fi
	oracle_setup "$SUITE" "${names[@]}" || return 1
	CHART_HASH=$(tree_hash "$CHART")
	export HELM KRMFN CHART CHART_HASH WORK SCRATCH_ENV BUCKET ORACLE_CACHE RUN_TIMEOUT

	for i in "${!cases[@]}"; do
		printf '%s\0%s\0' "$i" "${cases[$i]}"
	done | xargs -0 -r -n 2 -P "$JOBS" bash "$ROOT/tests/parity.sh" --run-case

	suite_report "$SUITE" "$WORK/res" "$start" "${names[@]}"
	tap_summary "$SUITE"
	tap_status
}

if [ "${1:-}" = --run-case ]; then
	oracle_env_init "$SCRATCH_ENV"
	run_case "$2" "$3"
	exit 0
fi
main "$@"
