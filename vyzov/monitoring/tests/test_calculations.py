"""Progress, forecast and the priority-region score: pure functions, no database."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vyzov.monitoring.priority import PriorityInput, rank_regions
from vyzov.monitoring.progress import ACHIEVED, LAGGING, NO_DATA, ON_TRACK, progress, trend_forecast

BASE, TARGET_DAY = dt.date(2024, 7, 1), dt.date(2026, 12, 31)


def run(points, *, baseline=1000, target=750, lower=True):
    return progress(
        baseline_date=BASE,
        baseline=baseline,
        target_date=TARGET_DAY,
        target=target,
        points=points,
        lower_is_better=lower,
    )


def test_a_steady_fall_towards_the_target_is_on_track():
    points = [
        (BASE, 1000),
        (dt.date(2025, 1, 1), 940),
        (dt.date(2025, 7, 1), 880),
        (dt.date(2025, 10, 1), 850),
    ]
    result = run(points)
    assert result.status == ON_TRACK
    assert result.change_percent == pytest.approx(-15.0)
    assert result.share_of_way == pytest.approx(60.0)
    assert result.forecast < 750


def test_a_slow_fall_is_lagging_and_a_reached_target_is_achieved():
    slow = [(BASE, 1000), (dt.date(2025, 1, 1), 990), (dt.date(2025, 10, 1), 970)]
    assert run(slow).status == LAGGING
    assert run([(BASE, 1000), (dt.date(2025, 10, 1), 700)]).status == ACHIEVED
    assert run([]).status == NO_DATA


def test_higher_is_better_indicator():
    rising = [(BASE, 100), (dt.date(2025, 1, 1), 130), (dt.date(2025, 7, 1), 160)]
    result = run(rising, baseline=100, target=200, lower=False)
    assert result.status == ON_TRACK and result.share_of_way == pytest.approx(60.0)
    assert (
        run([(BASE, 100), (dt.date(2025, 7, 1), 90)], baseline=100, target=200, lower=False).status == LAGGING
    )


def test_needed_now_is_the_straight_line():
    result = run([(BASE, 1000), (dt.date(2025, 9, 30), 900)])
    assert result.needed_now == pytest.approx(
        1000 - 250 * ((dt.date(2025, 9, 30) - BASE) / (TARGET_DAY - BASE))
    )


@given(st.floats(min_value=-50, max_value=50), st.floats(min_value=0, max_value=10_000))
def test_forecast_of_an_exact_line_is_exact(slope_per_day, start):
    days = [0, 92, 184, 273, 365]
    points = [(BASE + dt.timedelta(days=d), start + slope_per_day * d) for d in days]
    day = BASE + dt.timedelta(days=900)
    assert trend_forecast(points, day) == pytest.approx(start + slope_per_day * 900, rel=1e-6, abs=1e-6)


def region(code, children, population):
    return PriorityInput(code=code, name=code, children=children, child_population=population)


def test_priority_score_combines_number_and_share_and_explains_it():
    rows = rank_regions(
        [
            region("big_low", 3000, 3_000_000),  # many children, low share
            region("small_high", 600, 100_000),  # few children, high share
            region("both", 2500, 400_000),  # many and a high share
        ]
    )
    top = rows[0]
    assert top.code == "both"
    assert "детей в учреждениях" in top.explanation and "на 10 000 детей" in top.explanation
    only_count = rank_regions(
        [region("big_low", 3000, 3_000_000), region("small_high", 600, 100_000)],
        weight_count=1,
        weight_share=0,
    )
    assert only_count[0].code == "big_low"
    only_share = rank_regions(
        [region("big_low", 3000, 3_000_000), region("small_high", 600, 100_000)],
        weight_count=0,
        weight_share=1,
    )
    assert only_share[0].code == "small_high"


def test_equal_scores_share_a_rank_and_missing_population_scores_zero_share():
    rows = rank_regions([region("a", 100, 10_000), region("b", 100, 10_000), region("c", 50, None)])
    assert [row.rank for row in rows] == [1, 1, 3]
    assert rows[-1].per_10k is None and rows[-1].share_score == 0


def test_weights_must_be_sensible():
    with pytest.raises(ValueError):
        rank_regions([region("a", 1, 1)], weight_count=0, weight_share=0)
    with pytest.raises(ValueError):
        rank_regions([region("a", 1, 1)], weight_count=-1, weight_share=1)


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(1, 2_000_000)), min_size=1, max_size=30))
def test_ranking_does_not_depend_on_input_order(values):
    inputs = [region(f"r{i:02d}", children, population) for i, (children, population) in enumerate(values)]
    forward = [(row.code, row.rank) for row in rank_regions(inputs)]
    backward = [(row.code, row.rank) for row in rank_regions(list(reversed(inputs)))]
    assert sorted(forward) == sorted(backward)
