"""A test that depends on something outside its code: it fails whenever the run sets
SAMPLE_SERVICE_DOWN=1 and passes otherwise, on the same file. Run it a few times with and
without that variable, and Testbay's test history lists it as flaky."""

import os


def test_the_service_answers():
    assert os.environ.get("SAMPLE_SERVICE_DOWN") != "1", "the service did not answer"


def test_arithmetic_still_works():
    assert 2 + 2 == 4
