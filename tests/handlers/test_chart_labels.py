"""A year of month labels under the report's chart never overlap (issue 22.9)."""

from __future__ import annotations

import itertools

import pytest

from handlers.chart import MonthBar, chart_figure


@pytest.mark.parametrize("count", [6, 12, 13])
def test_month_labels_do_not_overlap(count: int) -> None:
    months = [
        MonthBar(
            label=f"{(index % 12) + 1:02d}/{2025 + index // 12}",
            received=1200 + index,
            resolved=1100,
            pending=100 + index,
        )
        for index in range(count)
    ]
    figure = chart_figure(months, 3219, 165, title="Báo cáo", subtitle="Theo tháng")
    renderer = figure.canvas.get_renderer()  # type: ignore[attr-defined]
    figure.draw(renderer)
    axes = figure.axes[0]
    boxes = [label.get_window_extent(renderer) for label in axes.get_xticklabels()]
    assert len(boxes) == count
    for left, right in itertools.pairwise(boxes):
        assert not left.overlaps(right), (left, right)
