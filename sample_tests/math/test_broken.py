"""Tests that go wrong in each of the ways pytest tells apart."""

import pytest


def test_wrong_answer():
    assert 2 + 2 == 5, "arithmetic is broken"


@pytest.fixture
def database():
    raise ConnectionError("the fixture could not reach its database")


def test_needs_a_database(database):
    assert database is not None


@pytest.fixture
def leaky_resource():
    yield "resource"
    raise RuntimeError("teardown could not release the resource")


def test_passes_but_teardown_fails(leaky_resource):
    assert leaky_resource == "resource"
