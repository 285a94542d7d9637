"""Skipped and expected-failure tests."""

import sys

import pytest


def test_upper():
    assert "testbay".upper() == "TESTBAY"


@pytest.mark.skip(reason="shows a skipped test")
def test_skipped():
    raise AssertionError("never runs")


@pytest.mark.skipif(sys.platform == "linux", reason="not on Linux")
def test_not_on_linux():
    assert True


def test_skips_itself():
    pytest.skip("decided at run time")


@pytest.mark.xfail(reason="known bug: split drops empty fields")
def test_known_bug():
    assert "a,,b".split(",") == ["a", "b"]


@pytest.mark.xfail(reason="was a bug, fixed since")
def test_fixed_bug():
    assert "a b".split() == ["a", "b"]
