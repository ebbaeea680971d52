# shellcheck shell=bash
# tests/lib.sh — shared helpers for the shell test suites (sourced, not run).
#
# Two parts:
#   * TAP output: a plan line, numbered `ok N - name` / `not ok N - name`
#     lines, `# ` diagnostics, and a closing comment with the counts. The
#     top-level runner adds up the `ok` / `not ok` lines of every suite, so a
#     suite's own summary is printed as a comment, never as a bare
#     "N passed, N failed" line.
#   * The helm oracle: running real `helm template` with outputs cached by
#     content hash, and comparing one engine run with helm's. Used by
#     tests/conformance.sh and tests/parity.sh.
#
# Needs bash 4+, coreutils (sha256sum, timeout, stat) and diffutils.

# --- TAP ------------------------------------------------------------------

TAP_N=0
TAP_PASS=0
TAP_FAIL=0

# tap_plan COUNT — the `1..N` line; call once, before the first test line.
tap_plan() {
	printf '1..%d\n' "$1"
}

# tap_ok NAME
tap_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	printf 'ok %d - %s\n' "$TAP_N" "$1"
}

# tap_not_ok NAME
tap_not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAIL=$((TAP_FAIL + 1))
	printf 'not ok %d - %s\n' "$TAP_N" "$1"
}

# tap_skip NAME REASON — counts as passed, as TAP does.
tap_skip() {
	TAP_N=$((TAP_N + 1))
	TAP_PASS=$((TAP_PASS + 1))
	printf 'ok %d - %s # SKIP %s\n' "$TAP_N" "$1" "$2"
}

# tap_diag [TEXT...] — print TEXT (or stdin when no argument) as `# ` lines.
tap_diag() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/# /'
	else
		sed 's/^/# /'
	fi
}

# check NAME CMD... — one TAP line from CMD's exit status; when it fails,
# the last 30 lines of its output (stdout and stderr) as diagnostics.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		tap_ok "$name"
	else
		tap_not_ok "$name"
		printf '%s\n' "$out" | tail -n 30 | tap_diag
	fi
}

# tap_summary SUITE — closing comment line with the counts.
tap_summary() {
	printf '# %s: %d passed, %d failed\n' "$1" "$TAP_PASS" "$TAP_FAIL"
}

# tap_status — exit status for the suite: 0 when nothing failed.
tap_status() {
	[ "$TAP_FAIL" -eq 0 ]
}

# has GREP-ARGS… — grep's match status without -q: it reads its whole input,
# so the writer of a pipe never dies of SIGPIPE after an early match (which
# pipefail would turn into a failure on some runs only).
has() {
	grep "$@" >/dev/null
}

# --- paths ------------------------------------------------------------------

# abs_cmd PATH_OR_NAME — an absolute path for anything with a slash in it (so
# it still works after a `cd`); a bare command name is left to PATH.
abs_cmd() {
	case $1 in
	*/*) realpath -m -- "$1" ;;
	*) printf '%s\n' "$1" ;;
	esac
}

# --- the helm oracle --------------------------------------------------------
#
# The oracle is always real helm. Its results (stdout, stderr, exit status)
# are kept under $ORACLE_CACHE, in files named by a SHA-256 over everything
# that decides the output: the helm binary itself, the suite's layout
# version, and every input file. A changed case, chart or helm binary gets a
# new key, so helm runs again; an unchanged one is answered from the cache.
# ORACLE_CACHE=off runs helm every time.

ORACLE_CACHE=${ORACLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/helm-oracle}

# Time limit, in seconds, for one helm or engine run.
RUN_TIMEOUT=${RUN_TIMEOUT:-30}

# oracle_helm_id HELM — prints a hash of the helm binary. Hashing ~60 MB
# costs a second when cold, so the hash is remembered per (path, size, mtime,
# inode).
oracle_helm_id() {
	local bin stamp memo id
	bin=$(command -v -- "$1") || return 1
	bin=$(realpath -- "$bin") || return 1
	stamp=$(stat -L -c '%s %Y %i' -- "$bin") || return 1
	if [ "$ORACLE_CACHE" = off ]; then
		sha256sum <"$bin" | cut -c1-64
		return
	fi
	memo=$ORACLE_CACHE/helm-ids/$(printf '%s %s' "$bin" "$stamp" | sha256sum | cut -c1-64)
	if [ -s "$memo" ]; then
		cat "$memo"
		return
	fi
	id=$(sha256sum <"$bin" | cut -c1-64) || return 1
	mkdir -p "${memo%/*}" &&
		printf '%s\n' "$id" >"$memo.$$" && mv -f "$memo.$$" "$memo"
	printf '%s\n' "$id"
}

# oracle_env_init SCRATCH — sets ORACLE_ENV, the `env` arguments that helm
# and the engine run with: no namespace from the caller's kubeconfig or
# HELM_NAMESPACE, helm's own directories in the scratch directory SCRATCH.
oracle_env_init() {
	ORACLE_ENV=(-u HELM_NAMESPACE -u HELM_KUBECONTEXT -u HELM_DEBUG
		-u HELM_DRIVER -u HELM_KUBEAPISERVER -u HELM_KUBETOKEN
		"KUBECONFIG=$1/kubeconfig" "HELM_CONFIG_HOME=$1/helm/config"
		"HELM_CACHE_HOME=$1/helm/cache" "HELM_DATA_HOME=$1/helm/data")
}

# run_limited PREFIX DIR CMD... — runs CMD in DIR in the ORACLE_ENV
# environment with a time limit; leaves PREFIX.out, PREFIX.err and PREFIX.rc
# (the exit status, also in RUN_RC).
run_limited() {
	local prefix=$1 dir=$2
	shift 2
	(cd "$dir" && exec env "${ORACLE_ENV[@]}" timeout -k 5 "$RUN_TIMEOUT" "$@") \
		>"$prefix.out" 2>"$prefix.err" </dev/null
	RUN_RC=$?
	printf '%s\n' "$RUN_RC" >"$prefix.rc"
}

# oracle_run BUCKET KEY SCRATCH DIR HELM ARGS... — helm's result for KEY in
# the cache bucket BUCKET (a name for the suite's layout and the helm build):
# from the cache, or by running `HELM ARGS...` in DIR. Sets ORACLE_PREFIX to
# where PREFIX.out, .err and .rc now are (the cache entry, or SCRATCH), and
# ORACLE_RAN to 1 when helm had to run.
# shellcheck disable=SC2034 # ORACLE_PREFIX and ORACLE_RAN are for the caller
oracle_run() {
	local bucket=$1 key=$2 scratch=$3 dir=$4 entry ext
	shift 4
	ORACLE_RAN=0
	entry=$ORACLE_CACHE/$bucket/$key
	if [ "$ORACLE_CACHE" != off ] && [ -f "$entry.rc" ]; then
		ORACLE_PREFIX=$entry
		return
	fi
	ORACLE_RAN=1
	ORACLE_PREFIX=$scratch
	run_limited "$scratch" "$dir" "$@"
	# A time-out or a signal says nothing about the case: never cache it.
	# Each file is renamed into place, .rc last, so a reader that sees .rc
	# sees whole files.
	if [ "$ORACLE_CACHE" != off ] && [ "$RUN_RC" -lt 124 ] &&
		mkdir -p "${entry%/*}"; then
		for ext in out err rc; do
			if ! cp "$scratch.$ext" "$entry.$ext.$$" ||
				! mv -f "$entry.$ext.$$" "$entry.$ext"; then
				break
			fi
		done
	fi
}

# oracle_judge HELM_PREFIX OURS_PREFIX EXPECT_ERROR — compares the engine's
# run with helm's. Prints `ok` or `not ok` on the first line, then `# `
# diagnostics. EXPECT_ERROR is 1 when the case says helm must fail.
#   helm succeeds: the engine must succeed with the same stdout, byte for byte;
#   helm fails:    the engine must fail (exit 1..123, so not a crash or a
#                  time-out) and print nothing on stdout.
# A case whose helm result contradicts EXPECT_ERROR is itself wrong.
oracle_judge() {
	local h=$1 o=$2 expect=$3 hrc orc
	read -r hrc <"$h.rc"
	read -r orc <"$o.rc"
	if [ "$hrc" -ge 124 ]; then
		echo 'not ok'
		tap_diag "helm crashed or timed out (exit $hrc):"
		head -n 10 "$h.err" | tap_diag
		return
	fi
	if [ "$hrc" -eq 0 ] && [ "$expect" = 1 ]; then
		echo 'not ok'
		tap_diag 'the case expects an error, but helm succeeds: the case is wrong'
		return
	fi
	if [ "$hrc" -ne 0 ] && [ "$expect" != 1 ]; then
		echo 'not ok'
		tap_diag 'helm fails, but the case does not expect an error: the case is wrong' \
			"helm (exit $hrc):"
		head -n 5 "$h.err" | tap_diag
		return
	fi
	if [ "$hrc" -eq 0 ]; then
		if [ "$orc" -ne 0 ]; then
			echo 'not ok'
			tap_diag "helm succeeds, the engine fails (exit $orc):"
			head -n 10 "$o.err" | tap_diag
		elif cmp -s "$h.out" "$o.out"; then
			echo 'ok'
		elif diff -q -w "$h.out" "$o.out" >/dev/null; then
			echo 'not ok'
			tap_diag 'output differs from helm in white space only (as sed -n l shows it: $ ends a line):'
			diff -u --label helm --label krmfn <(sed -n 'l 0' "$h.out") <(sed -n 'l 0' "$o.out") |
				head -n 40 | tap_diag
		else
			echo 'not ok'
			tap_diag 'output differs from helm:'
			diff -u --label helm --label krmfn "$h.out" "$o.out" | head -n 40 | tap_diag
		fi
		return
	fi
	if [ "$orc" -eq 0 ]; then
		echo 'not ok'
		tap_diag 'helm fails, the engine succeeds; helm says:'
		head -n 5 "$h.err" | tap_diag
	elif [ "$orc" -ge 124 ]; then
		echo 'not ok'
		tap_diag "helm fails, the engine crashed or timed out (exit $orc):"
		head -n 10 "$o.err" | tap_diag
	elif [ -s "$o.out" ]; then
		echo 'not ok'
		tap_diag 'helm fails, the engine fails too but prints to stdout:'
		head -n 10 "$o.out" | tap_diag
	else
		echo 'ok'
	fi
}

# judge_stderr OURS_PREFIX TEXT RES — when TEXT is set and the verdict in
# RES is `ok`, the engine's stderr must hold TEXT (a fixed string).
judge_stderr() {
	local verdict
	[ -n "$2" ] || return 0
	read -r verdict <"$3"
	[ "$verdict" = ok ] || return 0
	if ! grep -qF -- "$2" "$1.err"; then
		{
			echo 'not ok'
			tap_diag "the engine's error lacks: $2" 'it says:'
			head -n 5 "$1.err" | tap_diag
		} >"$3"
	fi
}

# oracle_setup SUITE CASE_NAME... — what both oracle suites need before
# running cases: the helm binary's identity (HELM_ID; a missing helm fails
# every case) and a scratch tree removed on exit (WORK, SCRATCH_ENV), and
# the cache bucket (BUCKET, from the suite's LAYOUT).
oracle_setup() {
	local suite=$1
	shift
	if ! HELM_ID=$(oracle_helm_id "$HELM"); then
		suite_fail_all "$suite" "helm not found: $HELM (set HELM, or run 'make tools-helm')" "$@"
		tap_summary "$suite"
		return 1
	fi
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/${suite//\//-}.XXXXXX") || return 1
	trap 'rm -rf "$WORK"' EXIT
	mkdir -p "$WORK/res" "$WORK/env"
	SCRATCH_ENV=$WORK/env
	BUCKET=$LAYOUT-$HELM_ID
}

# split_args FILE — the words of FILE as NUL-terminated strings, quoted as
# xargs(1) reads them: separated by blanks or newlines; single quotes, double
# quotes and backslash protect blanks. Nothing is expanded.
split_args() {
	[ -s "$1" ] || return 0
	xargs -r printf '%s\0' <"$1"
}

# --- suite plumbing shared by the oracle suites -------------------------------

# suite_match NAME [PATTERN...] — true when NAME matches one of the extended
# regular expressions, or when there is none.
suite_match() {
	local name=$1 pat
	shift
	[ $# -eq 0 ] && return 0
	for pat in "$@"; do
		[[ $name =~ $pat ]] && return 0
	done
	return 1
}

# suite_fail_all SUITE MESSAGE NAME... — every case fails for one reason
# (helm missing, say).
suite_fail_all() {
	local suite=$1 msg=$2 name
	shift 2
	for name in "$@"; do
		tap_not_ok "$suite/$name"
	done
	tap_diag "$msg"
}

# suite_report SUITE RESDIR START NAME... — prints the TAP line of each case
# from RESDIR/<index> (written by oracle_judge), then how many cases needed
# helm and the wall time since START (an EPOCHREALTIME value).
suite_report() {
	local suite=$1 resdir=$2 start=$3 i=0 called=0 verdict name
	shift 3
	for name in "$@"; do
		verdict=
		[ -s "$resdir/$i" ] && read -r verdict <"$resdir/$i"
		[ -e "$resdir/$i.helm" ] && called=$((called + 1))
		case $verdict in
		ok) tap_ok "$suite/$name" ;;
		'not ok') tap_not_ok "$suite/$name" ;;
		*)
			tap_not_ok "$suite/$name"
			tap_diag 'the case did not run to the end'
			;;
		esac
		[ -s "$resdir/$i" ] && tail -n +2 "$resdir/$i"
		i=$((i + 1))
	done
	tap_diag "$(awk -v c="$called" -v n="$#" -v d="$ORACLE_CACHE" -v s="${start/,/.}" \
		-v e="${EPOCHREALTIME/,/.}" \
		'BEGIN { printf "helm ran for %d of %d cases (the rest from %s); %.1f s", c, n, d, e - s }')"
}

# default_helm — the pinned helm build (hack/tools.mk) unless HELM is set.
default_helm() {
	abs_cmd "${HELM:-${XDG_CACHE_HOME:-$HOME/.cache}/mlflow-krm/tools/helm-v3.21.4/helm}"
}
