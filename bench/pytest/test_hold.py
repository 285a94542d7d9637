"""Holds the only run slot while the bench creates runs that queue behind it."""

import time


def test_holds_the_slot():
    time.sleep(3600)
