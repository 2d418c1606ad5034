#!/usr/bin/env python3
"""The source tree's shape (docs/architecture.md): no C file over 800 lines,
and no include cycle between modules.

A module is a file's path without its extension: lib/conf.c and lib/conf.h
are module lib/conf; a header foo_int.h (a module's internal header, shared
by its files) counts as foo, and a .c file that includes it is one of foo's
files. Module A depends on B when a file of A includes B's header. A
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


def module(path, root):
    """dir/stem, a module's internal header (foo_int.h) counting as foo."""
    rel = os.path.splitext(os.path.relpath(path, root))[0]
    return rel[:-4] if rel.endswith("_int") else rel


def resolve(inc, path, root, headers):
    """The file an #include "inc" in path names: beside it, else in lib/,
    else the one header of that name elsewhere (None: a system header)."""
    for d in (os.path.dirname(path), os.path.join(root, "lib")):
        cand = os.path.normpath(os.path.join(d, inc))
        if cand in headers:
            return cand
    named = [h for h in headers if os.path.basename(h) == inc]
    return named[0] if len(named) == 1 else None


def graph(files, root):
    """Module A depends on B when a file of A includes B's header. A .c
    file that includes a module's internal header is one of that module's
    files (a room of the engine, a table family of the store)."""
    headers = {os.path.normpath(f) for f in files if f.endswith(".h")}
    deps = {}
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        incs = [resolve(i, path, root, headers) for i in INCLUDE.findall(text)]
        incs = [i for i in incs if i is not None]
        m = module(path, root)
        if path.endswith(".c"):
            own = [module(i, root) for i in incs if i.endswith("_int.h")]
            m = own[0] if own else m
        for i in incs:
            other = module(i, root)
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
    for comp in cycles(graph(files, root)):
        print("include cycle: " + " <-> ".join(comp))
        bad = 1
    if not bad:
        print(f"layout: {len(files)} files, none over {LIMIT} lines, "
              "no include cycle")
    return bad


if __name__ == "__main__":
    sys.exit(main())
