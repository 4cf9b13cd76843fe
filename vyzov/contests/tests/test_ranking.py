"""The ranking and aggregation rules, property-tested: invariants that must hold for any scores."""

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vyzov.contests.ranking import aggregate, disagreement, expert_normalisers, rank

scores = st.lists(st.decimals(min_value=0, max_value=100, places=1), min_size=0, max_size=25)
rules = st.sampled_from(["dense", "competition"])


def places(entries, rule):
    return {placed.key: placed.place for placed in rank(entries, rule=rule)}


@given(scores, rules, st.randoms())
def test_the_order_of_input_changes_nothing(values, rule, rnd):
    entries = list(enumerate(values))
    shuffled = entries[:]
    rnd.shuffle(shuffled)
    assert rank(entries, rule=rule) == rank(shuffled, rule=rule)


@given(scores, rules, st.decimals(min_value=0, max_value=100, places=1))
def test_adding_a_lower_score_never_changes_higher_places(values, rule, newcomer):
    entries = list(enumerate(values))
    before = places(entries, rule)
    after = places([*entries, ("new", newcomer)], rule)
    for key, value in entries:
        if value > newcomer:
            assert after[key] == before[key]


@given(scores, rules)
def test_equal_scores_share_a_place_and_higher_scores_rank_higher(values, rule):
    placed = rank(list(enumerate(values)), rule=rule)
    for a in placed:
        for b in placed:
            if a.score == b.score:
                assert a.place == b.place
            elif a.score > b.score:
                assert a.place < b.place


@given(scores)
def test_dense_places_have_no_gaps_and_competition_places_count_those_above(values):
    dense = rank(list(enumerate(values)), rule="dense")
    assert sorted({p.place for p in dense}) == list(range(1, len({p.score for p in dense}) + 1))
    for placed in rank(list(enumerate(values)), rule="competition"):
        assert placed.place == 1 + sum(1 for v in values if Decimal(v) > placed.score)


def test_the_2016_example_saransk_and_ufa_first_tula_second():
    result = rank([("Тула", Decimal(80)), ("Уфа", Decimal(90)), ("Саранск", Decimal(90))], rule="dense")
    assert [(p.key, p.place) for p in result] == [("Саранск", 1), ("Уфа", 1), ("Тула", 2)]


def test_unknown_rules_are_refused():
    with pytest.raises(ValueError):
        rank([("a", Decimal(1))], rule="alphabetical")
    with pytest.raises(ValueError):
        aggregate({1: 1.0}, rule="max")


@given(st.lists(st.floats(min_value=0, max_value=100), min_size=1, max_size=7))
def test_every_aggregate_stays_within_the_experts_range(values):
    totals = dict(enumerate(values))
    for rule in ("mean", "median", "trimmed"):
        assert min(values) - 1e-9 <= aggregate(totals, rule=rule) <= max(values) + 1e-9


def test_normalisation_evens_out_a_strict_and_a_lenient_expert():
    # The strict expert gives 10 where the lenient one gives 30 for work they both rank the same.
    totals_by_expert = {"strict": [10.0, 20.0], "lenient": [30.0, 40.0]}
    normalisers = expert_normalisers(totals_by_expert)
    top_by_strict = aggregate({"strict": 20.0}, rule="normalised", normalisers=normalisers)
    top_by_lenient = aggregate({"lenient": 40.0}, rule="normalised", normalisers=normalisers)
    assert top_by_strict == pytest.approx(top_by_lenient)


def test_disagreement_is_the_spread_as_a_share_of_the_maximum():
    assert disagreement([10, 40], maximum=60) == pytest.approx(50)
    assert disagreement([10], maximum=60) == 0
    assert disagreement([random.random()], maximum=0) == 0
