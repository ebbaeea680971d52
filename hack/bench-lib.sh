# hack/bench-lib.sh — measuring commands for the bench scripts (sourced).
#
# measure CMD... prints "median_us median_rss_kb". Wall time is hyperfine's
# median over RUNS runs after warm-up runs, with no shell in between
# (-N), so a 2 ms command is not drowned in fork/exec overhead of the
# measuring loop. Peak RSS is GNU time's maximum resident set size (which
# includes the command's children), the median of 5 runs. STDIN names a
# file for the command's standard input. Sourcing it also sets RUNS
# (default 15), a scratch directory $work removed on exit, and an
# environment where no kubeconfig or HELM_NAMESPACE changes what helm does.

RUNS=${RUNS:-15}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export KUBECONFIG=/dev/null HELM_NAMESPACE=

measure() {
    local in=${STDIN:-/dev/null} i
    "$@" <"$in" >/dev/null 2>&1 || { echo "benchmark command failed: $*" >&2; exit 1; }
    local cmd
    cmd=$(printf '%q ' "$@")
    # hyperfine 1.15 has no --input: with stdin, run through bash (hyperfine
    # subtracts the measured shell start-up), else with no shell at all.
    local -a how=(-N)
    if [ "$in" != /dev/null ]; then
        how=(--shell=bash)
        cmd="$cmd < $(printf '%q' "$in")"
    fi
    hyperfine "${how[@]}" --warmup 3 --runs "$RUNS" --output null \
        --export-json "$work/hf.json" -- "$cmd" >/dev/null 2>&1 ||
        { echo "hyperfine failed on: $*" >&2; exit 1; }
    local us
    us=$(python3 -c 'import json,sys; print(int(json.load(open(sys.argv[1]))["results"][0]["median"]*1e6))' "$work/hf.json")
    : >"$work/rss"
    for ((i = 0; i < 5; i++)); do
        /usr/bin/time -f '%M' -a -o "$work/rss" "$@" <"$in" >/dev/null 2>&1
    done
    echo "$us $(sort -n "$work/rss" | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}')"
}

row() { # label helm_us helm_rss ours_us ours_rss
    awk -v l="$1" -v hu="$2" -v hr="$3" -v ou="$4" -v or="$5" 'BEGIN {
        printf "| %-38s | %9.1f ms | %7.1f MB | %8.2f ms | %6.1f MB | %6.1fx | %6.1fx |\n",
            l, hu/1000, hr/1024, ou/1000, or/1024, hu/ou, hr/or }'
}

# target LABEL VALUE OP LIMIT UNIT: one line saying whether a measured value
# meets its target (OP is ">=", "<=" or "<"), appended to $BENCH_TARGETS
# when set (hack/bench.sh prints them after the table), else printed.
target() {
    awk -v l="$1" -v v="$2" -v op="$3" -v lim="$4" -v u="$5" 'BEGIN {
        ok = (op == ">=") ? v >= lim : (op == "<") ? v < lim : v <= lim
        printf "%-7s %s: %.2f%s (target %s %g%s)\n", ok ? "met" : "MISSED", l, v, u, op, lim, u }' \
        >>"${BENCH_TARGETS:-/dev/stdout}"
}
