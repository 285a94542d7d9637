"""Slow tests: each sleeps a few seconds, printing as it goes."""

import time

import pytest


@pytest.mark.parametrize("step", range(1, 6))
def test_takes_a_while(step):
    for second in range(2):
        print(f"step {step}: second {second + 1}", flush=True)
        time.sleep(1)
