#!/usr/bin/python3
"""Renders golf-mini's training loss curve as a self-contained SVG (no matplotlib needed).

Two panels, loss against step and against training seconds, in bits per byte (the recipe logs mean
cross-entropy in nats per byte; bpb = nats / ln 2), so the held-out score of the evaluator and the
unigram and bigram references share the axis. Called by infra/bench/golf-mini/run.sh loss.
"""
import argparse
import datetime
import json
import math
import re
from html import escape

WIDTH, HEIGHT = 960, 540
PANEL_W, PANEL_H = 400, 330
TOP = 128
LEFTS = (70, 540)
COLORS = {"raw": "#9ecae1", "smooth": "#08519c", "val": "#d62728", "uni": "#777777", "bi": "#31a354"}


def read_metrics(path):
    steps, seconds, bpb = [], [], []
    for line in open(path):
        record = json.loads(line)
        if record["name"] == "train_loss" and record["value"] is not None:
            steps.append(record["step"])
            seconds.append(record["wallclock"])
            bpb.append(record["value"] / math.log(2))
    if not steps:
        raise SystemExit(f"--metrics {path} holds no train_loss lines: did the recipe train?")
    return steps, seconds, bpb


def ema(values, decay):
    """The recipe's own smoothing of its log line (ema = 0.9 ema + 0.1 loss, started at the first loss)."""
    out = []
    for v in values:
        out.append(v if not out else decay * out[-1] + (1 - decay) * v)
    return out


def nice_ticks(low, high, count=6):
    span = high - low
    raw = span / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    t = first
    while t <= high + 1e-9:
        ticks.append(round(t, 10))
        t += step
    return ticks


def fmt(v):
    return f"{v:g}" if abs(v) >= 1 or v == 0 else f"{v:.2g}"


class Panel:
    def __init__(self, left, xmax, ymin, ymax, xlabel):
        self.left, self.xmax, self.ymin, self.ymax, self.xlabel = left, xmax, ymin, ymax, xlabel
        self.parts = []

    def x(self, v):
        return self.left + v / self.xmax * PANEL_W

    def y(self, v):
        v = min(max(v, self.ymin), self.ymax)
        return TOP + (self.ymax - v) / (self.ymax - self.ymin) * PANEL_H

    def axes(self):
        p = self.parts
        for t in nice_ticks(self.ymin, self.ymax):
            y = self.y(t)
            p.append(f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.left + PANEL_W}" y2="{y:.1f}" stroke="#eee"/>')
            p.append(f'<text x="{self.left - 6}" y="{y + 4:.1f}" text-anchor="end">{fmt(t)}</text>')
        for t in nice_ticks(0, self.xmax):
            x = self.x(t)
            p.append(f'<line x1="{x:.1f}" y1="{TOP + PANEL_H}" x2="{x:.1f}" y2="{TOP + PANEL_H + 4}" stroke="#333"/>')
            p.append(f'<text x="{x:.1f}" y="{TOP + PANEL_H + 18}" text-anchor="middle">{fmt(t)}</text>')
        p.append(f'<rect x="{self.left}" y="{TOP}" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#333"/>')
        p.append(f'<text x="{self.left + PANEL_W / 2}" y="{TOP + PANEL_H + 38}" text-anchor="middle">'
                 f'{escape(self.xlabel)}</text>')
        p.append(f'<text transform="translate({self.left - 42},{TOP + PANEL_H / 2}) rotate(-90)" '
                 f'text-anchor="middle">bits per byte</text>')

    def hline(self, value, color, label):
        y = self.y(value)
        self.parts.append(f'<line x1="{self.left}" y1="{y:.1f}" x2="{self.left + PANEL_W}" y2="{y:.1f}" '
                          f'stroke="{color}" stroke-dasharray="6 4"/>')
        self.parts.append(f'<text x="{self.left + 6}" y="{y - 4:.1f}" fill="{color}">{escape(label)}</text>')

    def line(self, xs, ys, color, width):
        points = " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys))
        self.parts.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="{width}" '
                          f'stroke-linejoin="round"/>')

    def marker(self, x, value, color, label):
        cx, cy = self.x(x), self.y(value)
        self.parts.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="5" fill="{color}"><title>{escape(label)}</title>'
                          f'</circle>')


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--metrics", required=True, help="the recipe's LOOPLAB_METRICS file")
    parser.add_argument("--score", help="GolfMiniBench.java evaluate output (val_bpb=...)")
    parser.add_argument("--references", help="GolfMiniBench.java data output (unigram_bpb=..., bigram_bpb=...)")
    parser.add_argument("--budget", default="90")
    parser.add_argument("--threads", default="1")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--cpu", default="")
    parser.add_argument("--smooth", type=float, default=0.9, help="EMA decay per logged step")
    parser.add_argument("--note", default="", help="one more caption line, e.g. the machine's load")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    steps, seconds, bpb = read_metrics(args.metrics)
    smooth = ema(bpb, args.smooth)
    val = None
    if args.score:
        found = re.search(r"val_bpb=([0-9.]+)", open(args.score).read())
        val = float(found.group(1)) if found else None
    refs = {}
    if args.references:
        text = open(args.references).read()
        for name in ("unigram", "bigram"):
            found = re.search(name + r"_bpb=([0-9.]+)", text)
            if found:
                refs[name] = float(found.group(1))

    floor = min(bpb + list(refs.values()) + ([val] if val else []))
    ymin = math.floor(floor * 2) / 2 - 0.5
    ymax = 8.5  # a uniform guess over 256 bytes is 8 bpb: the first steps start there
    last_step, last_s = steps[-1], seconds[-1]
    panels = [Panel(LEFTS[0], last_step * 1.04, ymin, ymax, "training step"),
              Panel(LEFTS[1], last_s * 1.04, ymin, ymax, "training seconds (wall clock, after engine start)")]
    for panel, xs in zip(panels, (steps, seconds)):
        panel.axes()
        if "unigram" in refs:
            panel.hline(refs["unigram"], COLORS["uni"], f"unigram {refs['unigram']:.3f}")
        if "bigram" in refs:
            panel.hline(refs["bigram"], COLORS["bi"], f"bigram {refs['bigram']:.3f}")
        panel.line(xs, bpb, COLORS["raw"], 1)
        panel.line(xs, smooth, COLORS["smooth"], 2)
        if val is not None:
            panel.marker(xs[-1], val, COLORS["val"], f"held-out {val:.3f} (int8+zlib)")

    date = datetime.date.today().isoformat()
    title = f"golf-mini baseline recipe: training loss over its default {args.budget} s budget"
    captions = [f"{last_step} steps in {last_s:.0f} s of training ({args.budget} s budget counted from JVM start, "
                f"so engine start and export come out of it), {args.threads} thread(s), seed {args.seed}",
                f"{args.cpu}, {date}" + (f"; {args.note}" if args.note else ""),
                f"train loss of each step's batch (light) and its EMA ({args.smooth:g}, dark); "
                f"bits per byte = nats / ln 2",
                "red: the evaluator's held-out score of the exported int8+zlib model (16,384 unseen bytes); "
                "dashed: add-one unigram and bigram byte models on the same bytes"]
    legend = [("raw", "train loss (batch)"), ("smooth", f"EMA {args.smooth:g}"), ("val", f"held-out {val:.3f} bpb (int8+zlib)" if val is not None else "held-out bpb")]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
             f'viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">',
             f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
             f'<text x="{WIDTH / 2}" y="26" text-anchor="middle" font-size="16" font-weight="bold">'
             f'{escape(title)}</text>',
             *(f'<text x="{WIDTH / 2}" y="{46 + 14 * i}" text-anchor="middle" font-size="11" fill="#444">'
               f'{escape(c)}</text>' for i, c in enumerate(captions))]
    x = 250
    for key, label in legend:
        parts.append(f'<line x1="{x}" y1="108" x2="{x + 24}" y2="108" stroke="{COLORS[key]}" stroke-width="3"/>')
        parts.append(f'<text x="{x + 30}" y="112">{escape(label)}</text>')
        x += 140
    for panel in panels:
        parts.extend(panel.parts)
    parts.append("</svg>")
    with open(args.out, "w") as out:
        out.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
