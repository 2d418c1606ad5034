#!/usr/bin/env python3
"""The source tree's shape (docs/architecture.md): no C file over 800 lines,
and no include cycle between modules.

A module is a file stem: foo.c and foo.h are module foo, and a header
foo_int.h (a module's internal header, shared by its files) counts as foo.
Module A depends on B when a file of A includes B's header with quotes. A
cycle (conf needs duty, duty needs conf) means neither can be read, built
or tested without the other. Prints each problem; exits 1 if there is one.

    layout.py SOURCE_DIR
    layout.py --functions SOURCE_DIR   the function lengths, for the record
"""
import os
import re
import sys

LIMIT = 800
DIRS = ["lib", "daemon", "clients", "bench", "fuzz", "tests/unit"]
SKIP = {"node_modules"}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources(root):
    for d in DIRS:
        for top, dirs, files in os.walk(os.path.join(root, d)):
            dirs[:] = [x for x in dirs if x not in SKIP]
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(top, f)


def module(path):
    stem = os.path.splitext(os.path.basename(path))[0]
    return stem[:-4] if stem.endswith("_int") else stem


def graph(files):
    deps = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        m = module(path)
        for inc in INCLUDE.findall(text):
            other = module(inc)
            if other != m:
                deps.setdefault(m, set()).add(other)
    return deps


def cycles(deps):
    """Each strongly connected set of two or more modules (Tarjan)."""
    index, low, stack, on, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(deps.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(deps):
        if v not in index:
            visit(v)
    return found


FUNC = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\(.*?^\{\n(.*?)^\}", re.M | re.S)


def functions(root):
    """Lines of each function body (style.md: the name at the start of a
    line, the braces in column 0), in lib/, daemon/ and clients/."""
    sizes = []
    for path in sources(root):
        if not path.endswith(".c") or "/tests/" in path or \
                os.path.relpath(path, root).split(os.sep)[0] not in \
                ("lib", "daemon", "clients"):
            continue
        with open(path, encoding="utf-8") as f:
            text = f.read()
        sizes += [m.group(2).count("\n") + 3 for m in FUNC.finditer(text)]
    sizes.sort()
    n = len(sizes)
    print(f"functions: {n}, median {sizes[n // 2]} lines, "
          f"p90 {sizes[n * 9 // 10]}, max {sizes[-1]}")
    return 0


def main():
    if sys.argv[1] == "--functions":
        return functions(sys.argv[2])
    root = sys.argv[1]
    files = sorted(sources(root))
    bad = 0
    for path in files:
        with open(path, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        if n > LIMIT:
            print(f"{os.path.relpath(path, root)}: {n} lines (limit {LIMIT})")
            bad = 1
    for comp in cycles(graph(files)):
        print("include cycle: " + " <-> ".join(comp))
        bad = 1
    if not bad:
        print(f"layout: {len(files)} files, none over {LIMIT} lines, "
              "no include cycle")
    return bad


if __name__ == "__main__":
    sys.exit(main())
