#!/usr/bin/env python3
"""Draw bench/open.sh's result (open.json) as open.svg: beacond's p50 and
p99 latency under 1,000 reports/s, and its VmRSS before and after that
load, against the number of open incidents. Standard library only; the
drawing functions are bench/report.py's.

    bench/open_chart.py OPEN.json OUT.svg
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (bench/report.py)

WIDTH, HEIGHT = 860, 430


def label(n):
    return "%dk" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)


def chart(d):
    pts = d["points"]
    xt = [(p["open"], label(p["open"])) for p in pts]
    c = report.COLOURS["beacond"]
    lat = [("p50", c, "5 3",
            [(p["open"], p["latency_ms"]["p50"]) for p in pts]),
           ("p99", c, None,
            [(p["open"], p["latency_ms"]["p99"]) for p in pts])]
    mem = [("before the load", "#7570b3", "5 3",
            [(p["open"], p["rss_kib_before"] / 1024) for p in pts]),
           ("after the load (10,000 more open)", "#7570b3", None,
            [(p["open"], p["rss_kib_after"] / 1024) for p in pts])]
    top, h, w = 70, 250, 300
    body = report.svg_panel(
        (80, top, w, h), xt, "open incidents (log scale)",
        "latency (ms, log scale)", lat,
        legend=(90, top + h + 60),
        title="latency at %d reports/s" % pts[0]["rate"])
    body += report.svg_panel(
        (510, top, w, h), xt, "open incidents (log scale)",
        "beacond VmRSS (MiB)", mem, ylog=False,
        legend=(520, top + h + 60), title="memory")
    return report.svg_doc(WIDTH, HEIGHT, "beacond with %s to %s open "
                          "incidents" % (xt[0][1], xt[-1][1]), body)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bench/open_chart.py OPEN.json OUT.svg")
    with open(sys.argv[1]) as f:
        d = json.load(f)
    with open(sys.argv[2], "w") as f:
        f.write(chart(d))


if __name__ == "__main__":
    main()
