#!/usr/bin/env bash
# tests/suite-15-valgrind.sh — memcheck over what the release build runs:
# every cmocka unit test, and krmfn (linked against the shared libraries)
# through every snapshot case of tests/snapshot.sh, whose expected stdout,
# stderr and exit status must still hold. An invalid read or write, a use
# of uninitialised memory, or a definite or indirect leak fails the test
# (valgrind's own exit status, and its report on stderr).
set -uo pipefail
cd "$(dirname "$0")/.."
B=build/release
VG=(valgrind -q --error-exitcode=98 --leak-check=full
    --errors-for-leak-kinds=definite,indirect
    --show-leak-kinds=definite,indirect)
if ! command -v valgrind >/dev/null; then
    echo "not ok 1 - valgrind is installed (make deps)"
    exit 1
fi
n=0 fails=0
for t in "$B"/tests/test_*; do
    [ -x "$t" ] || continue
    n=$((n + 1))
    if out=$(CMOCKA_MESSAGE_OUTPUT=STDOUT "${VG[@]}" "$t" 2>&1); then
        echo "ok $n - memcheck: $(basename "$t")"
    else
        fails=$((fails + 1))
        echo "not ok $n - memcheck: $(basename "$t")"
        printf '%s\n' "$out" | grep -E '^==[0-9]+==|FAILED|ERROR' | head -25 | sed 's/^/#   /'
    fi
done

if [ ! -x "$B/krmfn-dynamic" ]; then
    echo "not ok $((n + 1)) - $B/krmfn-dynamic exists (make test builds it)"
    echo "1..$((n + 1))"
    exit 1
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat >"$work/krmfn" <<SH
#!/bin/sh
exec ${VG[*]} "$PWD/$B/krmfn-dynamic" "\$@"
SH
chmod +x "$work/krmfn"
# The snapshot cases, numbered on after the unit tests.
while IFS= read -r line; do
    case $line in
    "ok "* | "not ok "*)
        n=$((n + 1))
        [[ $line == "not ok"* ]] && fails=$((fails + 1))
        echo "$line" | sed -E "s/^(not )?ok [0-9]+ - /\\1ok $n - memcheck: krmfn /"
        ;;
    "#"*) echo "$line" ;;
    esac
done < <(KRMFN="$work/krmfn" tests/snapshot.sh 2>&1)
echo "1..$n"
[ "$fails" -eq 0 ]
