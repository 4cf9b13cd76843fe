"""Progress towards a target and a forecast for the target date. Pure functions: the one place where
«how far along» and «on track» are defined, for pages, API, reports and the regional passport."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

ON_TRACK = "on_track"
LAGGING = "lagging"
ACHIEVED = "achieved"
NO_DATA = "no_data"
STATUS_LABELS = {
    ON_TRACK: "на траектории",
    LAGGING: "отставание",
    ACHIEVED: "цель достигнута",
    NO_DATA: "нет данных",
}


@dataclass(frozen=True)
class Progress:
    baseline: float
    target: float
    latest: float | None
    latest_date: dt.date | None
    change_percent: float | None  # signed change since the baseline, %
    share_of_way: float | None  # 0 at the baseline, 100 at the target (may go below 0 or above 100)
    needed_now: float | None  # where a straight line from baseline to target would be at latest_date
    forecast: float | None  # value expected at the target date from the trend
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


def change_percent(baseline: float, value: float) -> float | None:
    if not baseline:
        return None
    return (value - baseline) / baseline * 100


def share_of_way(baseline: float, target: float, value: float) -> float | None:
    """How much of the way from the baseline to the target has been covered, in % (either direction)."""
    if baseline == target:
        return None
    return (baseline - value) / (baseline - target) * 100


def linear_value(start: dt.date, start_value: float, end: dt.date, end_value: float, day: dt.date) -> float:
    span = (end - start).days
    if span <= 0:
        return end_value
    return start_value + (end_value - start_value) * (day - start).days / span


def trend_forecast(points: list[tuple[dt.date, float]], day: dt.date) -> float | None:
    """Least-squares line through the points, read at `day`. Needs at least two distinct dates."""
    if len({when for when, _value in points}) < 2:
        return None
    xs = [when.toordinal() for when, _value in points]
    ys = [value for _when, value in points]
    n = len(points)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    denominator = sum((x - mean_x) ** 2 for x in xs)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / denominator
    return mean_y + slope * (day.toordinal() - mean_x)


def progress(
    *,
    baseline_date: dt.date,
    baseline: float,
    target_date: dt.date,
    target: float,
    points: Sequence[tuple[dt.date, float]],
    lower_is_better: bool = True,
) -> Progress:
    """Progress of a series from its baseline towards its target.

    Status: «цель достигнута» when the latest value has reached the target; «на траектории» when
    the trend forecast reaches the target by the target date; otherwise «отставание».
    """
    series = sorted((when, value) for when, value in points if when >= baseline_date)
    if not series:
        return Progress(baseline, target, None, None, None, None, None, None, NO_DATA)
    latest_date, latest = series[-1]
    forecast = trend_forecast(series, target_date)

    def reached(value: float | None) -> bool:
        if value is None:
            return False
        return value <= target if lower_is_better else value >= target

    if reached(latest):
        status = ACHIEVED
    elif reached(forecast):
        status = ON_TRACK
    else:
        status = LAGGING
    return Progress(
        baseline=baseline,
        target=target,
        latest=latest,
        latest_date=latest_date,
        change_percent=change_percent(baseline, latest),
        share_of_way=share_of_way(baseline, target, latest),
        needed_now=linear_value(baseline_date, baseline, target_date, target, latest_date),
        forecast=forecast,
        status=status,
    )
