"""Scoring of every question kind, including partly right answers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from minequiz.services.scoring import ChoiceSpec, right_answer, score_answer

ONE = [ChoiceSpec(1, False), ChoiceSpec(2, True), ChoiceSpec(3, False)]
MANY = [ChoiceSpec(1, True), ChoiceSpec(2, True), ChoiceSpec(3, False), ChoiceSpec(4, False)]
STEPS = [ChoiceSpec(10, False), ChoiceSpec(11, False), ChoiceSpec(12, False), ChoiceSpec(13, False)]


@pytest.mark.parametrize("kind", ["single", "truefalse"])
def test_one_answer_is_all_or_nothing(kind):
    assert score_answer(kind, ONE, [2]) == 1.0
    assert score_answer(kind, ONE, [1]) == 0.0
    assert score_answer(kind, ONE, []) == 0.0
    assert score_answer(kind, ONE, [2, 1]) == 0.0


def test_several_answers_all_right_scores_full():
    assert score_answer("multiple", MANY, [1, 2]) == 1.0


def test_several_answers_half_found_scores_half():
    assert score_answer("multiple", MANY, [1]) == 0.5


def test_several_answers_wrong_pick_costs_marks():
    assert score_answer("multiple", MANY, [1, 2, 3]) == 0.5
    assert score_answer("multiple", MANY, [1, 3]) == 0.0


def test_ticking_every_box_earns_nothing():
    assert score_answer("multiple", MANY, [1, 2, 3, 4]) == 0.0


def test_order_right_scores_full():
    assert score_answer("order", STEPS, [10, 11, 12, 13]) == 1.0


def test_order_reversed_scores_nothing():
    assert score_answer("order", STEPS, [13, 12, 11, 10]) == 0.0


def test_order_one_step_moved_keeps_most_of_the_marks():
    # 10→11 and 12→13 stay neighbours; 11→12 is broken.
    assert score_answer("order", STEPS, [12, 13, 10, 11]) == pytest.approx(2 / 3)


def test_order_with_missing_or_foreign_steps_scores_nothing():
    assert score_answer("order", STEPS, [10, 11, 12]) == 0.0
    assert score_answer("order", STEPS, [10, 11, 12, 99]) == 0.0


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        score_answer("essay", ONE, [1])


def test_right_answer_scores_full_for_every_kind():
    for kind, choices in [("single", ONE), ("multiple", MANY), ("order", STEPS), ("truefalse", ONE)]:
        assert score_answer(kind, choices, right_answer(kind, choices)) == 1.0


@given(st.lists(st.sampled_from([1, 2, 3, 4]), unique=True))
def test_several_answers_mark_stays_between_zero_and_one(picked):
    mark = score_answer("multiple", MANY, picked)
    assert 0.0 <= mark <= 1.0
    assert (mark == 1.0) == (set(picked) == {1, 2})


@given(st.permutations([10, 11, 12, 13]))
def test_order_mark_stays_between_zero_and_one(order):
    mark = score_answer("order", STEPS, order)
    assert 0.0 <= mark <= 1.0
    assert (mark == 1.0) == (list(order) == [10, 11, 12, 13])
