#!/usr/bin/env python3
"""Draw the benchmarks' results (bench/run.sh's latest.json): one SVG
latency-distribution chart per scenario, growth.svg (p50 and p99 of each
system against the steady rate), and the tables between the markers of
docs/benchmarks.md. Standard library only; the charts are
plain SVG written here, no plotting service.

    bench/report.py LATEST.json --svg-dir DIR [--doc docs/benchmarks.md]
"""
import argparse
import json
import math
import os
import re
import sys

BEGIN = "<!-- bench:begin (bench/report.py writes this part) -->"
END = "<!-- bench:end -->"
SYSTEMS = ("floor", "store", "mirror", "record", "beacond")
NAMES = {"floor": "bare floor", "store": "storing floor",
         "mirror": "mirror floor", "record": "record floor",
         "beacond": "beacond"}
COLOURS = {"floor": "#1b9e77", "store": "#7570b3", "mirror": "#e7298a",
           "record": "#66a61e", "beacond": "#d95f02"}
GROWTH = (("growth-100", 100), ("steady", 1000), ("growth-3000", 3000))


ORDER = ("steady", "burst", "growth-100", "growth-3000")


def runs_by(data):
    """{scenario: {system: run}}, scenarios in ORDER, then any others."""
    out = {}
    rank = {s: i for i, s in enumerate(ORDER)}
    for r in sorted(data["runs"],
                    key=lambda r: (rank.get(r["scenario"], 99),
                                   r["scenario"])):
        out.setdefault(r["scenario"], {})[r["system"]] = r
    return out


# ---- the charts ----------------------------------------------------------

W, H = 640, 400
L, R, T, B = 70, 150, 40, 60
XMAX = 4.6  # 99.99 % is x = 4; the maximum is drawn at XMAX


def xpos(p):
    x = XMAX if p >= 100 else min(4.0, math.log10(1 / (1 - p / 100)))
    return L + x / XMAX * (W - L - R)


def ypos(ms, lo, hi):
    v = math.log10(max(ms, 10 ** lo))
    return T + (hi - v) / (hi - lo) * (H - T - B)


def svg_axes(lo, hi, title):
    s = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
         'stroke="#444"/>' % (L, T, W - L - R, H - T - B),
         '<text x="%d" y="22" font-size="15" text-anchor="middle" '
         'font-weight="bold">%s</text>' % ((W - R + L) // 2, title)]
    for e in range(lo, hi + 1):
        y = ypos(10 ** e, lo, hi)
        s.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                 'stroke="#ddd"/>' % (L, W - R, y, y))
        s.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">'
                 '%g</text>' % (L - 6, y + 4, 10 ** e))
    for p, label in ((0, "0"), (50, "50"), (90, "90"), (99, "99"),
                     (99.9, "99.9"), (99.99, "99.99"), (100, "max")):
        x = xpos(p)
        s.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#ddd"/>'
                 % (x, x, T, H - B))
        s.append('<text x="%.1f" y="%d" font-size="11" '
                 'text-anchor="middle">%s</text>' % (x, H - B + 16, label))
    s.append('<text x="%d" y="%d" font-size="12" text-anchor="middle">'
             'percentile (%%)</text>' % ((W - R + L) // 2, H - 18))
    s.append('<text x="16" y="%d" font-size="12" text-anchor="middle" '
             'transform="rotate(-90 16 %d)">latency, publish to first '
             'notification (ms, log scale)</text>'
             % ((H - B + T) // 2, (H - B + T) // 2))
    return s


def svg_series(run, lo, hi, i):
    pts = " ".join("%.1f,%.1f" % (xpos(p), ypos(ms, lo, hi))
                   for p, ms in run["percentiles"])
    c = COLOURS[run["system"]]
    y = T + 10 + 20 * i
    return ['<polyline fill="none" stroke="%s" stroke-width="2" '
            'points="%s"/>' % (c, pts),
            '<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" '
            'stroke-width="2"/>' % (W - R + 10, W - R + 30, y, y, c),
            '<text x="%d" y="%d" font-size="12">%s</text>'
            % (W - R + 35, y + 4, NAMES[run["system"]])]


def svg_chart(scenario, runs, title):
    vals = [ms for r in runs.values() for _, ms in r["percentiles"]
            if ms > 0] or [1]
    lo = math.floor(math.log10(min(vals)))
    hi = max(lo + 1, math.ceil(math.log10(max(vals))))
    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif">' % (W, H, W, H),
         '<rect width="100%" height="100%" fill="white"/>']
    s += svg_axes(lo, hi, title)
    for i, name in enumerate(n for n in SYSTEMS if n in runs):
        s += svg_series(runs[name], lo, hi, i)
    s.append("</svg>")
    return "\n".join(s) + "\n"


def title_of(r):
    if r["mode"] == "burst":
        return "%s: burst of %d reports" % (r["scenario"], r["sent"])
    return "%s: %d reports/s for %g s" % (r["scenario"], r["rate"],
                                          r["duration_s"])


# ---- line charts over a log x axis (growth.svg, open.svg) -------------------

def lin_ticks(lo, hi, n=5):
    """About n round ticks covering [lo, hi]."""
    span = max(hi - lo, 1e-9)
    raw = span / n
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 5, 10) if m * mag >= raw)
    first = math.floor(lo / step)
    last = max(first + 1, math.ceil(hi / step))
    return [round(i * step, 10) for i in range(first, last + 1)]


def svg_panel(box, xticks, xlabel, ylabel, series, ylog=True, legend=None,
              title=None):
    """One plot in box (x, y, w, h): x on a log scale over xticks (value,
    label) pairs, y on a log scale in decades (ylog) or linear from 0;
    series are (label, colour, dash, [(x, y), ...]). The legend's rows
    start at legend (x, y)."""
    x0, y0, w, h = box
    xs = [v for v, _ in xticks]
    xlo, xhi = math.log10(min(xs)), math.log10(max(xs))
    pad = (xhi - xlo) * 0.06 or 0.5
    xlo, xhi = xlo - pad, xhi + pad
    ys = [y for *_, pts in series for _, y in pts if y > 0] or [1]
    if ylog:
        lo = math.floor(math.log10(min(ys)))
        hi = max(lo + 1, math.ceil(math.log10(max(ys))))
        yt = [10 ** e for e in range(lo, hi + 1)]
        ylo, yhi = lo, hi
    else:
        yt = lin_ticks(0, max(ys) * 1.1)
        ylo, yhi = 0, yt[-1]

    def px(v):
        return x0 + (math.log10(v) - xlo) / (xhi - xlo) * w

    def py(v):
        if ylog:
            v = math.log10(max(v, 10 ** ylo))
        return y0 + (yhi - v) / (yhi - ylo) * h

    s = ['<rect x="%d" y="%d" width="%d" height="%d" fill="none" '
         'stroke="#444"/>' % (x0, y0, w, h)]
    if title:
        s.append('<text x="%d" y="%d" font-size="13" text-anchor="middle" '
                 'font-weight="bold">%s</text>' % (x0 + w // 2, y0 - 10,
                                                   title))
    for v in yt:
        y = py(v)
        s.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" '
                 'stroke="#ddd"/>' % (x0, x0 + w, y, y))
        s.append('<text x="%d" y="%.1f" font-size="11" text-anchor="end">'
                 '%g</text>' % (x0 - 6, y + 4, v))
    for v, label in xticks:
        x = px(v)
        s.append('<line x1="%.1f" x2="%.1f" y1="%d" y2="%d" stroke="#ddd"/>'
                 % (x, x, y0, y0 + h))
        s.append('<text x="%.1f" y="%d" font-size="11" '
                 'text-anchor="middle">%s</text>' % (x, y0 + h + 16, label))
    s.append('<text x="%d" y="%d" font-size="12" text-anchor="middle">%s'
             '</text>' % (x0 + w // 2, y0 + h + 36, xlabel))
    yc = y0 + h // 2
    s.append('<text x="%d" y="%d" font-size="12" text-anchor="middle" '
             'transform="rotate(-90 %d %d)">%s</text>'
             % (x0 - 50, yc, x0 - 50, yc, ylabel))
    for i, (label, colour, dash, pts) in enumerate(series):
        if not pts:
            continue
        da = ' stroke-dasharray="%s"' % dash if dash else ""
        s.append('<polyline fill="none" stroke="%s" stroke-width="2"%s '
                 'points="%s"/>' % (colour, da, " ".join(
                     "%.1f,%.1f" % (px(x), py(y)) for x, y in pts)))
        for x, y in pts:
            s.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>'
                     % (px(x), py(y), colour))
        if legend:
            lx, ly = legend[0], legend[1] + 18 * i
            s.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="%s" '
                     'stroke-width="2"%s/>' % (lx, lx + 20, ly, ly, colour,
                                               da))
            s.append('<text x="%d" y="%d" font-size="12">%s</text>'
                     % (lx + 25, ly + 4, label))
    return s


def svg_doc(width, height, title, body):
    return "\n".join(
        ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'viewBox="0 0 %d %d" font-family="sans-serif">'
         % (width, height, width, height),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="22" font-size="15" text-anchor="middle" '
         'font-weight="bold">%s</text>' % (width // 2, title)]
        + body + ["</svg>"]) + "\n"


def growth_chart(by):
    """p50 (dashed) and p99 of each system against the steady rate; None
    when the runs hold no growth point."""
    pts = [(sc, rate) for sc, rate in GROWTH if sc in by]
    if not pts:
        return None
    series = []
    for name in SYSTEMS:
        if not any(name in by[sc] for sc, _ in pts):
            continue
        for key, dash in (("p50", "5 3"), ("p99", None)):
            series.append((
                "%s %s" % (NAMES[name], key), COLOURS[name], dash,
                [(rate, by[sc][name]["latency_ms"][key]) for sc, rate in pts
                 if name in by[sc]]))
    body = svg_panel((L, T + 10, W - L - R, H - T - B - 10),
                     [(rate, "%d" % rate) for _, rate in pts],
                     "reports/s (log scale)",
                     "latency, publish to first notification (ms, log scale)",
                     series, legend=(W - R + 10, T + 10))
    return svg_doc(W, H, "Growth: p50 (dashed) and p99 by steady rate", body)


# ---- the tables ------------------------------------------------------------

def ratio(a, b):
    return "%.2f×" % (a / b) if b else "n/a"


def cpu_cell(r):
    """The system's and the broker's CPU seconds during the run, if
    recorded (older result files have none)."""
    if "cpu_system_ms" not in r:
        return ""
    return "%.1f / %.1f" % (r["cpu_system_ms"] / 1000,
                            r["cpu_broker_ms"] / 1000)


def results_table(by):
    rows = ["| scenario | system | sent | lost | dup | throughput/s | p50 ms "
            "| p90 | p99 | p99.9 | max | p50 ÷ storing | p99 ÷ storing "
            "| throughput ÷ bare | CPU s: system / broker |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:"
            "|---:|---:|---:|"]
    for sc, runs in by.items():
        st, fl = runs.get("store"), runs.get("floor")
        for name in SYSTEMS:
            r = runs.get(name)
            if r is None:
                continue
            lat = r["latency_ms"]
            rows.append(
                "| %s | %s | %d | %d | %d | %.0f | %.2f | %.2f | %.2f "
                "| %.2f | %.2f | %s | %s | %s | %s |" % (
                    sc, NAMES[name], r["sent"], r["lost"], r["duplicates"],
                    r["throughput_rps"], lat["p50"], lat["p90"], lat["p99"],
                    lat["p99.9"], lat["max"],
                    ratio(lat["p50"], st["latency_ms"]["p50"]) if st else "",
                    ratio(lat["p99"], st["latency_ms"]["p99"]) if st else "",
                    ratio(r["throughput_rps"], fl["throughput_rps"])
                    if fl else "", cpu_cell(r)))
    return rows


def verdict(ok):
    return "met" if ok else "**missed**"


# What each target compares beacond with: the floors, and the
# record floor of the proposed targets (docs/benchmarks.md).
AGAINST = (("store", "", "storing floor", ""),
           ("record", "proposed: ", "record floor",
            " (the same record and publications)"))
BURST_AGAINST = (("floor", "", "bare floor", ""),
                 ("record", "proposed: ", "record floor",
                  " (the same record and publications)"))


def latency_rows(s, other, pre, name, post):
    bl, ol = s["beacond"]["latency_ms"], s[other]["latency_ms"]
    return ["| steady | %sbeacond %s ≤ %g × %s %s%s | %.2f ms vs %.2f ms "
            "(%s) | %s |" % (pre, key, k, name, key, post, bl[key], ol[key],
                             ratio(bl[key], ol[key]),
                             verdict(bl[key] <= k * ol[key]))
            for key, k in (("p50", 1.5), ("p99", 2))]


def throughput_row(s, other, pre, name, post):
    b, o = s["beacond"]["throughput_rps"], s[other]["throughput_rps"]
    return ("| burst | %sbeacond throughput ≥ 75 %% of the %s's%s | %.0f/s "
            "vs %.0f/s (%.0f %%) | %s |" % (pre, name, post, b, o,
                                            100 * b / o,
                                            verdict(b >= 0.75 * o)))


def target_rows(by):
    rows = ["| scenario | target | measured | |", "|---|---|---|---|"]
    s = by.get("steady", {})
    if "beacond" in s:
        b = s["beacond"]
        rows.append("| steady | beacond 0 lost, 0 duplicates | %d lost, %d "
                    "duplicates | %s |" % (b["lost"], b["duplicates"],
                    verdict(b["lost"] == 0 and b["duplicates"] == 0)))
        for other, *words in AGAINST:
            if other in s:
                rows += latency_rows(s, other, *words)
    s = by.get("burst", {})
    if "beacond" in s:
        b = s["beacond"]
        rows.append("| burst | beacond 0 lost | %d lost | %s |"
                    % (b["lost"], verdict(b["lost"] == 0)))
        for other, *words in BURST_AGAINST:
            if other in s:
                rows.append(throughput_row(s, other, *words))
    return rows


def growth_rows(by):
    rows = ["| reports/s | bare floor p50 / p99 ms | storing floor p50 / p99 "
            "| beacond p50 / p99 | beacond lost |",
            "|---:|---|---|---|---:|"]
    for sc, rate in GROWTH:
        runs = by.get(sc)
        if not runs:
            continue
        cells = []
        for name in ("floor", "store", "beacond"):
            lat = runs[name]["latency_ms"] if name in runs else None
            cells.append("%.2f / %.2f" % (lat["p50"], lat["p99"])
                         if lat else "")
        lost = runs["beacond"]["lost"] if "beacond" in runs else ""
        rows.append("| %d | %s | %s | %s | %s |" % (rate, *cells, lost))
    return rows


def machine_line(data):
    m = data["machine"]
    return ("Measured %s on %s, %d cores (a shared machine: expect noise), "
            "Linux %s, %s.%s" % (data["date"], m["cpu"], m["cores"],
                                 m["kernel"], m["broker"],
                                 " QUICK run." if data["quick"] else ""))


def doc_part(data, by, svgrel):
    out = [BEGIN, "", machine_line(data), "", "### Targets", ""]
    out += target_rows(by) + ["", "### All runs", ""] + results_table(by)
    out += ["", "### Growth (steady rate, latency)", ""] + growth_rows(by)
    if any(sc in by for sc, _ in GROWTH):
        out += ["", "![Growth: p50 and p99 by steady rate](%s/growth.svg)"
                % svgrel]
    out += ["", "### Latency distributions", ""]
    for sc, runs in by.items():
        out.append("![%s](%s/%s.svg)" % (title_of(next(iter(runs.values()))),
                                         svgrel, sc))
        out.append("")
    out.append(END)
    return "\n".join(out)


def update_doc(path, part):
    with open(path) as f:
        text = f.read()
    pat = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pat.search(text):
        sys.exit("%s: no %s ... %s markers" % (path, BEGIN, END))
    with open(path, "w") as f:
        f.write(pat.sub(lambda _: part, text))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("latest")
    ap.add_argument("--svg-dir", required=True)
    ap.add_argument("--doc")
    a = ap.parse_args()
    with open(a.latest) as f:
        data = json.load(f)
    by = runs_by(data)
    os.makedirs(a.svg_dir, exist_ok=True)
    charts = 0
    for sc, runs in by.items():
        with open(os.path.join(a.svg_dir, sc + ".svg"), "w") as f:
            f.write(svg_chart(sc, runs, title_of(next(iter(runs.values())))))
        charts += 1
    growth = growth_chart(by)
    if growth is not None:
        with open(os.path.join(a.svg_dir, "growth.svg"), "w") as f:
            f.write(growth)
        charts += 1
    if a.doc:
        rel = os.path.relpath(a.svg_dir, os.path.dirname(a.doc))
        update_doc(a.doc, doc_part(data, by, rel))
    print("report: %d charts in %s%s" % (charts, a.svg_dir,
          ", table in " + a.doc if a.doc else ""))


if __name__ == "__main__":
    main()
