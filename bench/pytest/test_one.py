"""One quick test: what a run costs around pytest itself."""


def test_one():
    assert sum([1, 2, 3]) == 6
