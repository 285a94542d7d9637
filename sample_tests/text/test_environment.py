"""Reads the environment Testbay runs this test in."""

import os


def test_knows_its_environment():
    environment = os.environ.get("TESTBAY_ENVIRONMENT")
    print(f"running in test environment {environment}")
    assert environment is not None, "run this test through Testbay"
    assert 1 <= int(environment) <= 100
