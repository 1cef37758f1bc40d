"""Report statistics computed as Moodle does."""

import pytest

from minequiz.services.statistics import SMALL_SAMPLE, item_statistics, mean, pearson


def test_pearson_of_a_perfect_line_is_one():
    assert pearson([1, 2, 3], [2, 4, 6]) == pytest.approx(1.0)
    assert pearson([1, 2, 3], [6, 4, 2]) == pytest.approx(-1.0)


def test_pearson_is_undefined_without_variation():
    assert pearson([1, 1, 1], [1, 2, 3]) is None
    assert pearson([1], [1]) is None


def test_facility_is_the_mean_mark_in_percent():
    stats = item_statistics([1, 0, 1, 1], [5, 2, 4, 6])
    assert stats.facility == pytest.approx(75.0)
    assert stats.n == 4


def test_discrimination_correlates_the_item_with_the_rest_of_the_test():
    marks = [1, 1, 0, 0]
    totals = [5, 4, 1, 2]  # rest of the test: 4, 3, 1, 2
    expected = pearson(marks, [4, 3, 1, 2]) * 100
    assert item_statistics(marks, totals).discrimination == pytest.approx(expected)
    assert expected > 80


def test_a_question_everyone_gets_right_has_no_discrimination():
    assert item_statistics([1, 1, 1], [3, 4, 5]).discrimination is None


def test_small_samples_are_flagged():
    assert item_statistics([1] * (SMALL_SAMPLE - 1), [1] * (SMALL_SAMPLE - 1)).small_sample
    assert not item_statistics([1] * SMALL_SAMPLE, [1] * SMALL_SAMPLE).small_sample
    assert item_statistics([], []).n == 0


def test_mean_of_nothing_is_none():
    assert mean([]) is None
    assert mean([1, 2]) == 1.5
