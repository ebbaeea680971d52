#!/usr/bin/env bash
# tests/conformance-coverage.sh — every function a Helm template can call
# is one krmfn defines and one a conformance case checks against helm.
#
# The names come from the pinned helm's own source in the Go module cache
# (the Makefile builds helm from that module, so `make tools-helm` puts it
# there): pkg/engine/funcs.go's funcMap (Sprig's genericMap, minus the
# names funcMap deletes, plus Helm's own), the functions engine.go binds
# for each render, Sprig's functions.go at the version helm's go.mod
# requires, and text/template's builtins of the Go toolchain that builds
# helm. A name fails when
#   - krmfn does not define it (a template that calls it does not parse), or
#   - no case under testdata/conformance calls it. A function whose result
#     differs from run to run (NONDETERMINISTIC below) must be called by
#     the case named for it, which compares properties of the result.
# Source that cannot be found is a failure, never a skip.
#
#   tests/conformance-coverage.sh
#
# Environment: KRMFN (default bin/krmfn), GO (default go), CASES_DIR
# (default testdata/conformance). Prints one line per failure; exit 1 when
# there is one.

set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
KRMFN=${KRMFN:-$ROOT/bin/krmfn}
GO=${GO:-go}
CASES_DIR=${CASES_DIR:-$ROOT/testdata/conformance}

# Functions whose output cannot be compared byte for byte, and the case
# that checks each one's properties instead.
NONDETERMINISTIC=(
	# random strings: length and alphabet
	randAlpha=sprig-random/001-rand-strings-shape
	randAlphaNum=sprig-random/001-rand-strings-shape
	randNumeric=sprig-random/001-rand-strings-shape
	randAscii=sprig-random/001-rand-strings-shape
	# base64 length and the decoded length
	randBytes=sprig-random/004-randbytes
	# min <= n < max
	randInt=sprig-random/006-randint-range
	# the version-4 layout, two calls differ
	uuidv4=sprig-random/008-uuidv4
	# the same runes in some order
	shuffle=sprig-random/009-shuffle
	# the clock: Time.String's shape, the monotonic reading
	now=sprig-dates/016-now-string
	ago=sprig-dates/018-ago
	# new keys and certificates: PEM shapes, fields, types
	genPrivateKey=sprig-crypto/015-gen-private-key
	genCA=sprig-crypto/016-gen-ca
	genSelfSignedCert=sprig-crypto/018-gen-self-signed-cert
	genSignedCert=sprig-crypto/019-gen-signed-cert
	genCAWithKey=sprig-crypto/031-with-key-reencoded
	genSelfSignedCertWithKey=sprig-crypto/031-with-key-reencoded
	genSignedCertWithKey=sprig-crypto/031-with-key-reencoded
	# a random IV: decrypts back, the length
	encryptAES=sprig-crypto/012-encrypt-aes-roundtrip
	# a random salt: the hash's shape
	bcrypt=sprig-crypto/013-bcrypt
	htpasswd=sprig-crypto/014-htpasswd
	# DNS (--enable-dns): an address, loopback for localhost
	getHostByName=helm/033-gethostbyname-enable-dns
	# the cluster's objects: `helm template` has none, an empty map
	lookup=helm/020-lookup-empty
)

fail() {
	echo "$*"
	FAILED=1
}

die() {
	echo "conformance-coverage: $*" >&2
	exit 1
}

# go_mod_path MODULE — a module path as the module cache spells it
# (capital letters are !lower case).
go_mod_path() {
	printf '%s\n' "$1" | sed 's/[A-Z]/!\L&/g'
}

# helm_functions — every function name a Helm template can call, one a line.
helm_functions() {
	local version modcache goroot helm sprig_version sprig
	version=$(sed -n 's/^HELM_VERSION[[:space:]]*:=[[:space:]]*//p' "$ROOT/hack/tools.mk")
	[ -n "$version" ] || die "no HELM_VERSION in hack/tools.mk"
	command -v "$GO" >/dev/null || die "$GO not found: Go is needed to find helm's module source"
	modcache=$(GOWORK=off "$GO" env GOMODCACHE) && [ -n "$modcache" ] ||
		die "go env GOMODCACHE failed"
	goroot=$(GOWORK=off "$GO" env GOROOT) && [ -n "$goroot" ] || die "go env GOROOT failed"
	helm=$modcache/helm.sh/helm/v3@$version
	for f in pkg/engine/funcs.go pkg/engine/engine.go go.mod; do
		[ -f "$helm/$f" ] ||
			die "helm $version's source is not in the module cache ($helm/$f is missing): run 'make tools-helm'"
	done
	if grep -q '^[[:space:]]*replace.*Masterminds/sprig' "$helm/go.mod"; then
		die "helm's go.mod replaces Sprig: this check cannot tell which source helm builds"
	fi
	sprig_version=$(sed -n 's|^[[:space:]]*github.com/Masterminds/sprig/v3[[:space:]]\{1,\}\(v[^[:space:]]*\).*|\1|p' "$helm/go.mod")
	[ -n "$sprig_version" ] || die "no github.com/Masterminds/sprig/v3 in $helm/go.mod"
	sprig=$modcache/$(go_mod_path github.com/Masterminds/sprig/v3)@$sprig_version
	[ -f "$sprig/functions.go" ] ||
		die "Sprig $sprig_version's source is not in the module cache ($sprig/functions.go is missing): run 'make tools-helm'"
	[ -f "$goroot/src/text/template/funcs.go" ] ||
		die "no text/template source under $goroot"
	python3 - "$helm/pkg/engine/funcs.go" "$helm/pkg/engine/engine.go" \
		"$sprig/functions.go" "$goroot/src/text/template/funcs.go" <<'PY'
import re, sys

def strip(src):
    """Go source with comments blanked and raw strings emptied."""
    out, i, n = [], 0, len(src)
    while i < n:
        if src.startswith('//', i):
            j = src.find('\n', i)
            i = n if j < 0 else j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            i = n if j < 0 else j + 2
            out.append(' ')
        elif src[i] in '"\'':
            q, j = src[i], i + 1
            while src[j] != q:
                j += 2 if src[j] == '\\' else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src[i] == '`':
            i = src.index('`', i + 1) + 1
            out.append('""')
        else:
            out.append(src[i])
            i += 1
    return ''.join(out)

def literal_keys(src, start, what):
    """The string keys at the top level of the composite literal that
    follows the first match of `start`."""
    m = re.search(start, src)
    if not m:
        sys.exit('conformance-coverage: cannot find %s' % what)
    i = src.index('{', m.end() - 1)
    depth, keys, key = 0, [], re.compile(r'"([^"\\]*)"\s*:')
    while True:
        c = src[i]
        if c == '{':
            depth += 1
        elif c == '}':
            depth -= 1
            if depth == 0:
                break
        elif c == '"':
            k = key.match(src, i)
            if k and depth == 1:
                keys.append(k.group(1))
                i = k.end()
                continue
            j = i + 1
            while src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            i = j
        i += 1
    if not keys:
        sys.exit('conformance-coverage: no names in %s' % what)
    return keys

funcs, engine, sprig, builtins = (strip(open(p).read()) for p in sys.argv[1:])
body = funcs[funcs.index('func funcMap()'):]
names = set(literal_keys(sprig, r'var genericMap = map\[string\]interface\{\}\{',
                         "Sprig's genericMap"))
deleted = set(re.findall(r'delete\(f,\s*"([^"]+)"\)', body))
if not deleted:
    sys.exit("conformance-coverage: funcMap deletes nothing: has Helm's funcs.go changed?")
names -= deleted
names |= set(literal_keys(body, r'extra := template\.FuncMap\{', "funcMap's extra map"))
names |= set(re.findall(r'funcMap\["([^"]+)"\]\s*=', engine))
names |= set(literal_keys(builtins, r'func builtins\(\) FuncMap \{\s*return FuncMap\{',
                          "text/template's builtins"))
print('\n'.join(sorted(names)))
PY
}

# undefined NAME... — the names a template cannot call in krmfn.
undefined() {
	local work name
	work=$(mktemp -d) || die "mktemp failed"
	mkdir -p "$work/chart/templates"
	printf 'apiVersion: v2\nname: conf\nversion: 0.1.0\n' >"$work/chart/Chart.yaml"
	for name in "$@"; do
		printf '{{ if false }}{{ %s }}{{ end }}\n' "$name" >"$work/chart/templates/$name.yaml"
	done
	# One render parses them all; only when it fails, find which.
	if ! "$KRMFN" template conf "$work/chart" >/dev/null 2>&1; then
		rm -f "$work/chart/templates/"*.yaml
		for name in "$@"; do
			printf '{{ if false }}{{ %s }}{{ end }}\n' "$name" >"$work/chart/templates/t.yaml"
			if ! "$KRMFN" template conf "$work/chart" >/dev/null 2>"$work/err"; then
				printf '%s\t%s\n' "$name" "$(head -n 1 "$work/err")"
			fi
		done
	fi
	rm -rf "$work"
}

# case_calls CASE... — "NAME CASE" for each function name an action of
# the case's template sections calls (strings and comments left out;
# $var and .Field are no calls).
case_calls() {
	python3 - "$CASES_DIR" "$@" <<'PY'
import os, re, sys

root = sys.argv[1]
marker = re.compile(r'^-- (.+) --$')
not_templates = {'args', 'expect', 'release', 'env'}
ident = re.compile(r'(?<![\w.$])([A-Za-z_]\w*)')

def actions(text):
    i = 0
    while True:
        a = text.find('{{', i)
        if a < 0:
            return
        b, buf = a + 2, []
        while b < len(text) and not text.startswith('}}', b):
            if text.startswith('/*', b):
                e = text.find('*/', b + 2)
                b = len(text) if e < 0 else e + 2
            elif text[b] in '"\'':
                e = b + 1
                while e < len(text) and text[e] not in (text[b], '\n'):
                    e += 2 if text[e] == '\\' else 1
                b = e + 1
                buf.append(' ')
            elif text[b] == '`':
                e = text.find('`', b + 1)
                b = len(text) if e < 0 else e + 1
                buf.append(' ')
            else:
                buf.append(text[b])
                b += 1
        yield ''.join(buf)
        i = b + 2

for path in sys.argv[2:]:
    section, body = None, []
    with open(path, encoding='utf-8', errors='replace') as f:
        for line in f:
            line = line.rstrip('\n')
            m = marker.match(line)
            if m:
                section = m.group(1)
            elif section is not None and section not in not_templates:
                body.append(line)
    name = os.path.relpath(path, root)[:-len('.case')]
    calls = set()
    for act in actions('\n'.join(body)):
        calls.update(ident.findall(act))
    for c in sorted(calls):
        print(c, name)
PY
}

main() {
	local names calls line name pcase n
	local -a cases
	FAILED=0
	[ -x "$KRMFN" ] || die "krmfn not found: $KRMFN (run 'make build')"
	names=$(helm_functions) || exit 1
	n=$(wc -l <<<"$names")

	while IFS=$'\t' read -r name line; do
		[ -n "$name" ] && fail "$name: krmfn does not define it ($line)"
	done < <(undefined $names)

	mapfile -t cases < <(find "$CASES_DIR" -type f -name '*.case' | LC_ALL=C sort)
	[ "${#cases[@]}" -gt 0 ] || die "no cases under $CASES_DIR"
	calls=$(case_calls "${cases[@]}") || die "cannot read the cases"

	declare -A property_case=()
	for line in "${NONDETERMINISTIC[@]}"; do
		name=${line%%=*}
		property_case[$name]=${line#*=}
		grep -qx -- "$name" <<<"$names" ||
			fail "$name: listed as nondeterministic, but it is no Helm function"
	done
	for name in $names; do
		pcase=${property_case[$name]:-}
		if [ -n "$pcase" ]; then
			[ -f "$CASES_DIR/$pcase.case" ] ||
				{ fail "$name: its property case $pcase does not exist"; continue; }
			grep -qx -- "$name $pcase" <<<"$calls" ||
				fail "$name: its property case $pcase does not call it"
		else
			grep -q -- "^$name " <<<"$calls" ||
				fail "$name: no conformance case calls it"
		fi
	done
	if [ "$FAILED" = 0 ]; then
		echo "all $n Helm functions are defined by krmfn and called by a conformance case (${#NONDETERMINISTIC[@]} through their properties)"
	fi
	[ "$FAILED" = 0 ]
}

main "$@"
