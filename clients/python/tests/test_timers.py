"""Deadlines of served calls: one lane per timeout, one timer per lane, and cancelled entries that do not pile up."""

import threading
import time

from callmesh.timers import Deadlines, Timers


def test_a_deadline_runs_after_its_timeout_and_a_cancelled_one_does_not():
    timers = Timers()
    try:
        deadlines = Deadlines(timers)
        fired = []
        done = threading.Event()
        start = time.monotonic()
        deadlines.add(0.05, lambda: (fired.append(("a", time.monotonic() - start)), done.set()))
        deadlines.add(0.02, lambda: fired.append(("b", time.monotonic() - start))).cancel()
        assert done.wait(5)
        time.sleep(0.05)
        assert [f[0] for f in fired] == ["a"]
        assert fired[0][1] >= 0.05
    finally:
        timers.stop()


def test_deadlines_of_one_timeout_share_one_timer_and_fire_in_order():
    timers = Timers()
    try:
        deadlines = Deadlines(timers)
        fired = []
        done = threading.Event()
        for i in range(50):  # long enough that the timer cannot fire before the heap is looked at
            deadlines.add(0.5, lambda i=i: (fired.append(i), i == 49 and done.set()))
        assert len(timers._heap) == 1, "one lane, one timer"
        deadlines.add(0.6, lambda: None)
        assert len(timers._heap) == 2, "a second timeout, a second lane"
        assert done.wait(5)
        assert fired == list(range(50))
    finally:
        timers.stop()


def test_cancelled_deadlines_do_not_pile_up_in_a_lane():
    timers = Timers()
    try:
        deadlines = Deadlines(timers)
        for _ in range(10000):  # calls that end before their deadline, one after another
            deadlines.add(30.0, lambda: None).cancel()
        assert deadlines.pending() <= 1
        live = deadlines.add(30.0, lambda: None)
        assert deadlines.pending() == 1 and not live.cancelled
    finally:
        timers.stop()


def test_cancelled_deadlines_behind_a_long_call_do_not_pile_up_either():
    timers = Timers()
    try:
        deadlines = Deadlines(timers)
        long_call = deadlines.add(30.0, lambda: None)  # still running: it holds the head of the lane
        for _ in range(10000):
            deadlines.add(30.0, lambda: None).cancel()
        assert deadlines.pending() <= 2048
        assert not long_call.cancelled
    finally:
        timers.stop()


def test_a_lane_emptied_by_its_timer_is_armed_again_by_the_next_deadline():
    timers = Timers()
    try:
        deadlines = Deadlines(timers)
        first, second = threading.Event(), threading.Event()
        deadlines.add(0.02, first.set)
        assert first.wait(5)
        time.sleep(0.02)
        assert deadlines.pending() == 0
        deadlines.add(0.02, second.set)
        assert second.wait(5)
    finally:
        timers.stop()
