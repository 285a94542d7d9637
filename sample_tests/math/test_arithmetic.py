"""Tests that pass, including a parametrized one."""

import pytest


def test_addition():
    assert 1 + 1 == 2


def test_multiplication():
    assert 6 * 7 == 42


@pytest.mark.parametrize(("a", "b", "total"), [(1, 2, 3), (0, 0, 0), (-1, 1, 0), (10, 5, 15)])
def test_sum_of_pairs(a, b, total):
    assert a + b == total
