#!/usr/bin/python3
"""tests/python-scripts.py FILE... — every Python program the manifests run
(a container's `python3 -c PROGRAM`, in command or args) checked with
pyflakes: undefined names, unused imports, syntax errors. Prints one line
per program ("ok N - FILE: KIND/NAME container" or a problem) and exits 1
when one has a problem. Needs Debian's python3-yaml and python3-pyflakes."""
import sys

import yaml
from pyflakes.api import check
from pyflakes.reporter import Reporter


class Collect(Reporter):
    def __init__(self):
        self.lines = []

    def unexpectedError(self, filename, msg):
        self.lines.append("%s: %s" % (filename, msg))

    def syntaxError(self, filename, msg, lineno, offset, text):
        self.lines.append("%s:%s: %s" % (filename, lineno, msg))

    def flake(self, message):
        self.lines.append(str(message))


def containers(obj):
    """Every container and init container under obj, wherever it is."""
    if isinstance(obj, dict):
        for key in ("containers", "initContainers"):
            for c in obj.get(key) or []:
                if isinstance(c, dict):
                    yield c
        for v in obj.values():
            yield from containers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from containers(v)


def programs(c):
    argv = list(c.get("command") or []) + list(c.get("args") or [])
    for i, a in enumerate(argv[:-2]):
        if a in ("python3", "python") and argv[i + 1] == "-c":
            yield argv[i + 2]


def main(files):
    n = bad = 0
    for path in files:
        with open(path) as f:
            docs = list(yaml.safe_load_all(f))
        for doc in docs:
            items = doc.get("items", [doc]) if isinstance(doc, dict) else []
            for obj in items:
                if not isinstance(obj, dict):
                    continue
                what = "%s/%s" % (obj.get("kind"), (obj.get("metadata") or {}).get("name"))
                for c in containers(obj):
                    for prog in programs(c):
                        n += 1
                        r = Collect()
                        check(prog, "%s %s" % (what, c.get("name")), r)
                        if r.lines:
                            bad += 1
                            print("not ok %d - %s: %s container %s" % (n, path, what, c.get("name")))
                            for line in r.lines:
                                print("#   " + line)
                        else:
                            print("ok %d - %s: %s container %s" % (n, path, what, c.get("name")))
    if n == 0:
        print("not ok - no Python program found in %s" % " ".join(files))
        return 1
    print("# python programs: %d checked, %d with problems" % (n, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
