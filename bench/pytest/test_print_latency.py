"""Prints the wall-clock time, in nanoseconds, on lines the latency bench finds in the live log."""

import os
import time

LINES = int(os.environ.get("TB_LATENCY_LINES", "300"))
INTERVAL_S = float(os.environ.get("TB_LATENCY_INTERVAL_S", "0.01"))


def test_prints_timestamps():
    for number in range(LINES):
        print(f"TB-LAT {number} {time.time_ns()}", flush=True)
        time.sleep(INTERVAL_S)
