"""Tests that print and log, so their output shows in the run's log."""

import logging
import sys

log = logging.getLogger(__name__)


def test_prints_to_stdout():
    for line in range(3):
        print(f"stdout line {line}")


def test_prints_to_stderr():
    print("a warning on stderr", file=sys.stderr)


def test_logs(caplog):
    caplog.set_level(logging.INFO)
    log.info("an info message from the test")
    assert "info message" in caplog.text
