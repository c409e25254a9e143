"""Line charts drawn on the server: the geometry here, the markup in templates/stats/_chart.html.

The plot is an SVG whose viewBox stretches to the width it is given (preserveAspectRatio none,
strokes that do not scale), and every word on it (the axis labels, the legend) is HTML beside
it: text keeps the page's size, so it grows with care mode and the text-size tool instead of
shrinking with a phone's width, and it never overlaps the lines. Series differ by dash pattern as
well as colour (never by colour alone). No script, no outside file, no inline style (the CSP
forbids it): the x labels are a row of one equal cell per point (CSS grid, auto columns), and
point j sits at the centre of cell j; the y labels are five lines spread over the plot's height,
whose gridlines sit PAD from the top and bottom so that they meet the labels' middles.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

WIDTH = 1000  # viewBox units; the plot is stretched to its box
HEIGHT = 300
# The plot is 12em high and a y label 1.5em (static/css/stats.css): half a label is 1/16 of it.
PAD = HEIGHT / 16
DASHES = ("", "10 6", "3 5")  # series 0, 1, 2: solid, dashed, dotted


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]  # None: no value that day (a rate with no reads): a gap


@dataclass(frozen=True)
class Drawn:
    label: str
    index: int  # CSS class s0, s1, s2
    segments: list[str]  # one polyline's points per run of values without a gap
    dash: str


@dataclass(frozen=True)
class Tick:
    at: float  # percent from the top (y) or from the left (x)
    label: str


@dataclass(frozen=True)
class Chart:
    series: list[Drawn]
    y_ticks: list[Tick]  # top first
    x_cells: list[str]  # one per point, most of them empty
    gridlines: list[float]  # y of each gridline, viewBox units


def nice_step(top: float, steps: int = 4, integer: bool = True) -> float:
    """A step of 1, 2, 2.5 or 5 × 10^k so that `steps` steps cover `top`."""
    if top <= 0:
        return 1.0 if integer else 0.25
    raw = top / steps
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        step = m * power
        if integer and step < 1:
            continue
        if step * steps >= top - 1e-9:
            return step
    return 10 * power


def line_chart(
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    integer: bool = True,
    x_ticks: int = 5,
) -> Chart:
    """Lay out up to three series over the same x labels, y from 0 to a round top."""
    n = len(x_labels)
    top = max((max((v for v in s.values if v is not None), default=0) for s in series), default=0)
    step = nice_step(top, 4, integer)
    y_max = step * 4
    inner = HEIGHT - 2 * PAD

    def y_of(v: float) -> float:
        return PAD + inner * (1 - max(v, 0) / y_max)

    drawn = []
    for i, s in enumerate(series[: len(DASHES)]):
        segments: list[list[str]] = [[]]
        for j, v in enumerate(s.values):
            if v is None:
                segments.append([])
                continue
            segments[-1].append(f"{WIDTH * (j + 0.5) / n:.1f},{y_of(v):.1f}")
        runs = []
        for points in segments:
            if len(points) == 1:  # a lone point: a short level stroke, so there is something to see
                x, y = (float(c) for c in points[0].split(","))
                half = min(WIDTH / n / 2, 8.0)
                points = [f"{x - half:.1f},{y:.1f}", f"{x + half:.1f},{y:.1f}"]
            if points:
                runs.append(" ".join(points))
        drawn.append(Drawn(s.label, i, runs, DASHES[i]))
    y_ticks = [Tick(100 - 25 * k, y_format(step * k)) for k in range(4, -1, -1)]
    picks = {round(k * (n - 1) / (x_ticks - 1)) for k in range(x_ticks)} if n > 1 else {0}
    cells = [label if j in picks else "" for j, label in enumerate(x_labels)]
    gridlines = [PAD + inner * k / 4 for k in range(5)]
    return Chart(drawn, y_ticks, cells, gridlines)
