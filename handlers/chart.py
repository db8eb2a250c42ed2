"""The report's chart as PNG bytes: dossiers per month of receipt and the passed/failed share.

Rendered headless on matplotlib's Agg canvas with a private Figure: pyplot and its global
backend are never touched, so no display is needed and it is safe in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from handlers.formatting import vn_number
from handlers.texts import report as t

# The board's palette: received in blue, resolved in green, pending in amber, failed in red.
RECEIVED_COLOUR = "#1f5fa8"
RESOLVED_COLOUR = "#2e8b57"
PENDING_COLOUR = "#e0a100"
FAILED_COLOUR = "#c0392b"
DPI = 110


@dataclass(frozen=True, slots=True)
class MonthBar:
    """One month of receipt: received, and of those how many are resolved or still pending."""

    label: str
    received: int
    resolved: int
    pending: int


#: Up to this many month labels stand level side by side; more are slanted.
SIDE_BY_SIDE_MONTHS = 6


def render_chart(
    months: Sequence[MonthBar],
    passed: int,
    failed: int,
    *,
    title: str,
    subtitle: str,
    shares: tuple[str, str] = ("", ""),
) -> bytes:
    """The chart as PNG bytes: grouped bars per month on the left, a donut on the right.

    `shares` are the passed and failed percentages as the report's text writes them, so the
    chart and the paragraph never round differently.
    """
    figure = chart_figure(months, passed, failed, title=title, subtitle=subtitle, shares=shares)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def chart_figure(
    months: Sequence[MonthBar],
    passed: int,
    failed: int,
    *,
    title: str,
    subtitle: str,
    shares: tuple[str, str] = ("", ""),
) -> Figure:
    """The figure render_chart saves (tests measure its labels)."""
    figure = Figure(figsize=(11, 5.2), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(1, 3)
    bars = figure.add_subplot(grid[0, :2])
    share = figure.add_subplot(grid[0, 2])
    figure.suptitle(title, fontsize=14, fontweight="bold")
    _draw_months(bars, months, subtitle)
    _draw_share(share, passed, failed, shares)
    return figure


def _draw_months(axes: Axes, months: Sequence[MonthBar], subtitle: str) -> None:
    width = 0.27
    positions = range(len(months))
    series = (
        (t.CHART_RECEIVED, [m.received for m in months], RECEIVED_COLOUR, -width),
        (t.CHART_RESOLVED, [m.resolved for m in months], RESOLVED_COLOUR, 0.0),
        (t.CHART_PENDING, [m.pending for m in months], PENDING_COLOUR, width),
    )
    for label, values, colour, offset in series:
        drawn = axes.bar([p + offset for p in positions], values, width, label=label, color=colour)
        # Few bars (at most a year of months × 3), so every value fits above its bar.
        if len(months) <= 12:
            axes.bar_label(drawn, labels=[vn_number(v) for v in values], fontsize=7, padding=2)
    axes.set_title(subtitle, fontsize=11)
    axes.set_xticks(list(positions), [m.label for m in months])
    if len(months) > SIDE_BY_SIDE_MONTHS:
        # A year of "MM/YYYY" labels is wider than the axes: slanted, they never overlap.
        axes.tick_params(axis="x", labelsize=8, labelrotation=45)
        for tick in axes.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: vn_number(int(value))))
    axes.margins(y=0.12)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    # Below the axes, where it can never hide a bar.
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=3, fontsize=9, frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _draw_share(axes: Axes, passed: int, failed: int, shares: tuple[str, str]) -> None:
    axes.set_title(t.CHART_SHARE_TITLE, fontsize=11)
    total = passed + failed
    if total == 0:
        axes.text(0.5, 0.5, t.CHART_NOTHING_RESOLVED, ha="center", va="center", fontsize=11)
        axes.set_axis_off()
        return
    values = [passed, failed]
    labels = [
        f"{t.CHART_PASSED}\n{vn_number(passed)} ({shares[0]})",
        f"{t.CHART_FAILED}\n{vn_number(failed)} ({shares[1]})",
    ]
    axes.pie(
        values,
        labels=labels,
        colors=[RESOLVED_COLOUR, FAILED_COLOUR],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.42, "edgecolor": "white"},
        textprops={"fontsize": 9},
    )
    axes.text(0, 0, vn_number(total), ha="center", va="center", fontsize=13, fontweight="bold")
    axes.set_aspect("equal")
