#!/usr/bin/env bash
# tests/conformance.sh — template-engine conformance against real helm.
#
# Every testdata/conformance/<area>/<NNN-name>.case (format: the README in
# that folder) becomes a throwaway chart `conf`; `helm template` and
# `krmfn template` render it with the case's arguments, and their stdout
# must be the same bytes. When helm fails, krmfn must fail too (and print
# nothing on stdout). Prints TAP; exits non-zero when any case fails.
#
#   tests/conformance.sh [PATTERN...]
#
# PATTERN is an extended regular expression matched against
# `<area>/<NNN-name>`; a case runs when any pattern matches (all cases when
# none is given).
#
# Environment:
#   HELM          helm binary (default: the pinned build in the tools cache)
#   KRMFN         engine under test (default: bin/krmfn)
#   JOBS          cases run at once (default: number of cores)
#   ORACLE_CACHE  helm result cache (default: ~/.cache/mlflow-krm/helm-oracle;
#                 `off` runs helm for every case). The oracle is still real
#                 helm: results are cached under a hash of the case file and
#                 the helm binary, so only new or changed cases call helm.
#   RUN_TIMEOUT   seconds allowed for one helm or krmfn run (default 30)
#   CASES_DIR     case folder (default: testdata/conformance)

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tests/lib.sh
. "$ROOT/tests/lib.sh"

# Bump when the way a case becomes a chart changes: it names the cache bucket,
# with the helm binary's hash; a case's key is the hash of its file.
LAYOUT=conformance-v1

# write_chart CASE DIR — lays out the chart in DIR/chart and the case's
# other sections in DIR (args, expect, release). Returns 1 on a bad case.
write_chart() {
	local case=$1 dir=$2 line target='' name
	mkdir -p "$dir/chart/templates" || return 1
	printf 'apiVersion: v2\nname: conf\nversion: 0.1.0\n' >"$dir/chart/Chart.yaml"
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^--\ (.+)\ --$ ]]; then
			name=${BASH_REMATCH[1]}
			case $name in
			template) target=$dir/chart/templates/t.yaml ;;
			partial) target=$dir/chart/templates/_helpers.tpl ;;
			values) target=$dir/chart/values.yaml ;;
			args | expect | release | env) target=$dir/$name ;;
			file:\ *)
				name=${name#file: }
				case /$name/ in
				*/../* | //*) echo "bad file path: $name" >&2; return 1 ;;
				esac
				target=$dir/chart/$name
				mkdir -p "${target%/*}" || return 1
				;;
			*) echo "unknown section: -- $name --" >&2; return 1 ;;
			esac
			: >"$target"
			continue
		fi
		if [ -n "$target" ]; then
			printf '%s\n' "$line" >>"$target"
		fi
	done <"$case"
}

# case_env FILE — adds the case's environment to ORACLE_ENV: a line
# NAME=VALUE sets NAME (VALUE may be empty), -NAME unsets it; blank lines
# are skipped. Returns 1 on any other line.
case_env() {
	local line
	while IFS= read -r line || [ -n "$line" ]; do
		if [[ $line =~ ^[A-Za-z_][A-Za-z0-9_]*= ]]; then
			ORACLE_ENV+=("$line")
		elif [[ $line =~ ^-([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
			# env(1) takes its options before the assignments
			ORACLE_ENV=(-u "${BASH_REMATCH[1]}" "${ORACLE_ENV[@]}")
		elif [ -n "$line" ]; then
			return 1
		fi
	done <"$1"
}

# mask_run FROM TO REGEX — a copy of a run (.out .err .rc) with every
# match of REGEX (sed -E) in stdout replaced by <masked>.
mask_run() {
	sed -E "s${MASK_SEP}$3${MASK_SEP}<masked>${MASK_SEP}g" "$1.out" >"$2.out"
	cp "$1.err" "$2.err"
	cp "$1.rc" "$2.rc"
}

MASK_SEP=$'\x01'

# run_case INDEX CASE KEY — runs one case; leaves the verdict in
# $WORK/res/INDEX (first line `ok`/`not ok`, then diagnostics), and
# $WORK/res/INDEX.helm when helm had to run. KEY is the case file's SHA-256.
run_case() {
	local case=$2 key=$3 dir=$WORK/$1 res=$WORK/res/$1 release=conf expect=0
	local -a args=()
	if ! write_chart "$case" "$dir" 2>"$dir.err"; then
		{ echo 'not ok'; tap_diag 'malformed case:'; tap_diag <"$dir.err"; } >"$res"
		return
	fi
	if [ -s "$dir/args" ]; then
		mapfile -d '' args < <(split_args "$dir/args")
	fi
	if [ -s "$dir/release" ]; then
		read -r release <"$dir/release"
	fi
	# `-- env --`: NAME=VALUE sets, -NAME unsets, for helm and krmfn alike
	# (ORACLE_ENV is the worker's; it is restored when the case is done).
	local -a saved_env=("${ORACLE_ENV[@]}")
	if [ -s "$dir/env" ] && ! case_env "$dir/env"; then
		{ echo 'not ok'; tap_diag 'malformed case: a line of -- env -- is neither NAME=VALUE nor -NAME'; } >"$res"
		return
	fi
	if [ -f "$dir/expect" ] && grep -qx '[[:space:]]*error[[:space:]]*' "$dir/expect"; then
		expect=1
	fi
	local unsupported=0 want_err
	if [ -f "$dir/expect" ] && grep -qx '[[:space:]]*unsupported[[:space:]]*' "$dir/expect"; then
		unsupported=1
	fi
	want_err=$(sed -n 's/^[[:space:]]*stderr:[[:space:]]*//p' "$dir/expect" 2>/dev/null)
	oracle_run "$BUCKET" "$key" "$dir/helm" "$dir/chart" \
		"$HELM" template "$release" "$dir/chart" "${args[@]}"
	if [ "$ORACLE_RAN" = 1 ]; then
		: >"$res.helm"
	fi
	run_limited "$dir/ours" "$dir/chart" "$KRMFN" template "$release" "$dir/chart" "${args[@]}"
	ORACLE_ENV=("${saved_env[@]}")
	if [ "$unsupported" = 1 ]; then
		judge_unsupported "$ORACLE_PREFIX" "$dir/ours" "$want_err" >"$res"
		return
	fi
	# `mask: REGEX` in the expect section: text that is another library's
	# own wording (a parser's error message inside the output) is replaced
	# by <masked> on both sides; everything else must still match.
	local mask
	mask=$(sed -n 's/^[[:space:]]*mask:[[:space:]]*//p' "$dir/expect" 2>/dev/null)
	if [ -n "$mask" ]; then
		mask_run "$ORACLE_PREFIX" "$dir/hf" "$mask"
		mask_run "$dir/ours" "$dir/of" "$mask"
		oracle_judge "$dir/hf" "$dir/of" "$expect" >"$res"
		return
	fi
	oracle_judge "$ORACLE_PREFIX" "$dir/ours" "$expect" >"$res"
	judge_stderr "$dir/ours" "$want_err" "$res"
}

# judge_unsupported HELM_PREFIX OURS_PREFIX TEXT — a case helm renders and
# krmfn refuses on purpose: helm must succeed (the case is real Helm), the
# engine must fail cleanly (exit 1..123, nothing on stdout) saying TEXT.
judge_unsupported() {
	local hrc orc
	read -r hrc <"$1.rc"
	read -r orc <"$2.rc"
	if [ "$hrc" -ne 0 ]; then
		echo 'not ok'
		tap_diag 'an unsupported case must be one helm renders, but helm fails:'
		head -n 5 "$1.err" | tap_diag
	elif [ "$orc" -eq 0 ] || [ "$orc" -ge 124 ]; then
		echo 'not ok'
		tap_diag "the engine must refuse this case with an error (exit $orc)"
		head -n 5 "$2.err" | tap_diag
	elif [ -s "$2.out" ]; then
		echo 'not ok'
		tap_diag 'the engine fails but prints on stdout'
	elif [ -n "$3" ] && ! grep -qF -- "$3" "$2.err"; then
		echo 'not ok'
		tap_diag "the engine's error lacks: $3" 'it says:'
		head -n 5 "$2.err" | tap_diag
	else
		echo 'ok'
	fi
}

# run_cases (INDEX CASE KEY)... — a worker: runs a batch of cases in turn.
run_cases() {
	oracle_env_init "$SCRATCH_ENV"
	while [ $# -ge 3 ]; do
		run_case "$1" "$2" "$3"
		shift 3
	done
}

main() {
	local -a all=() cases=() names=() keys=()
	local case rel i n start=$EPOCHREALTIME
	CASES_DIR=$(realpath -m -- "${CASES_DIR:-$ROOT/testdata/conformance}")
	HELM=$(default_helm)
	KRMFN=$(abs_cmd "${KRMFN:-$ROOT/bin/krmfn}")
	JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}

	mapfile -t all < <(find "$CASES_DIR" -type f -name '*.case' | LC_ALL=C sort)
	for case in "${all[@]}"; do
		rel=${case#"$CASES_DIR"/}
		rel=${rel%.case}
		if suite_match "$rel" "$@"; then
			cases+=("$case")
			names+=("$rel")
		fi
	done
	n=${#cases[@]}
	tap_plan "$n"
	if [ "$n" -eq 0 ]; then
		tap_diag "no conformance case matches"
		tap_summary conformance
		return 0
	fi
	oracle_setup conformance "${names[@]}" || return 1
	export HELM KRMFN WORK SCRATCH_ENV BUCKET ORACLE_CACHE RUN_TIMEOUT

	# One hash pass over all the cases; each worker takes a batch of cases.
	mapfile -t keys < <(sha256sum -- "${cases[@]}" | cut -c1-64)
	for i in "${!cases[@]}"; do
		printf '%s\0%s\0%s\0' "$i" "${cases[$i]}" "${keys[$i]}"
	done | xargs -0 -r -n 24 -P "$JOBS" bash "$ROOT/tests/conformance.sh" --run-cases

	suite_report conformance "$WORK/res" "$start" "${names[@]}"
	tap_summary conformance
	tap_status
}

if [ "${1:-}" = --run-cases ]; then
	shift
	run_cases "$@"
	exit 0
fi
main "$@"
