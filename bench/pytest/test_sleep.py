"""Sleeps BENCH_SLEEP_S seconds (default 30): a run whose own CPU is nil, so the service's CPU
during it is what following it costs."""

import os
import time


def test_sleeps():
    time.sleep(float(os.environ.get("BENCH_SLEEP_S", "30")))
