"""One thread that runs delayed tasks: heartbeats and the deadlines of calls being served.

A timer per call would be a thread per call; this keeps a heap instead, and :class:`Deadlines` keeps one
entry in it per timeout rather than per call. Tasks must be short (they run on the timer thread one after
another); a task that raises is logged and does not stop the others.
"""

import collections
import heapq
import itertools
import logging
import threading
import time

__all__ = ["Timers", "Deadlines"]

log = logging.getLogger("callmesh")


class _Handle:
    __slots__ = ("cancelled", "_timers")

    def __init__(self, timers):
        self.cancelled = False
        self._timers = timers

    def cancel(self):
        """Makes sure the task does not run (if it has not started yet)."""
        if not self.cancelled:
            self.cancelled = True
            self._timers._cancelled_one()


class Timers:
    """Runs ``fn()`` after ``delay`` seconds on a daemon thread, started on first use, until ``stop()``."""

    def __init__(self, name="callmesh-timers"):
        self._name = name
        self._heap = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread = None
        self._stopped = False
        self._cancelled = 0

    def schedule(self, delay, fn):
        """Returns a handle whose ``cancel()`` stops ``fn`` from running ``delay`` seconds from now."""
        handle = _Handle(self)
        with self._cond:
            if self._stopped:
                handle.cancelled = True
                return handle
            entry = (time.monotonic() + max(0.0, delay), next(self._seq), handle, fn)
            heapq.heappush(self._heap, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            # Wake the thread only when it must wait less than it does.
            if self._heap[0] is entry:
                self._cond.notify()
        return handle

    def _cancelled_one(self):
        # Cancelled entries stay in the heap until due; when they are most of it, drop them at once
        # (a busy spoke cancels a deadline per call).
        with self._cond:
            self._cancelled += 1
            if self._cancelled > 1024 and self._cancelled * 2 > len(self._heap):
                self._heap = [e for e in self._heap if not e[2].cancelled]
                heapq.heapify(self._heap)
                self._cancelled = 0

    def stop(self):
        """Drops every task not yet run and ends the thread."""
        with self._cond:
            self._stopped = True
            self._heap.clear()
            self._cond.notify()

    def _run(self):
        while True:
            with self._cond:
                while True:
                    if self._stopped:
                        return
                    if self._heap:
                        wait = self._heap[0][0] - time.monotonic()
                        if wait <= 0:
                            _, _, handle, fn = heapq.heappop(self._heap)
                            if handle.cancelled:
                                self._cancelled -= 1
                                continue
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
            try:
                fn()
            except Exception:  # a task's failure must not end the timers
                log.exception("callmesh timer task failed")


class _Deadline:
    __slots__ = ("at", "fn", "cancelled")

    def __init__(self, at, fn):
        self.at = at
        self.fn = fn
        self.cancelled = False

    def cancel(self):
        """Makes sure ``fn`` does not run (if it has not started yet)."""
        self.cancelled = True


class Deadlines:
    """The deadlines of calls being served, on top of :class:`Timers`: one first-in-first-out lane per
    timeout, with one timer per lane for its oldest deadline. A call's deadline is an append to its lane,
    not a heap entry and a timer of its own: calls with the same timeout end in the order they came, so the
    oldest entry of a lane is always due first. Cancelled entries at the head of a lane are dropped as new
    ones come; behind a long call at the head they are dropped by a sweep of the lane each time it doubles
    past 1,024 entries, so a lane holds about as many entries as calls in flight.
    """

    def __init__(self, timers):
        self._timers = timers
        self._lock = threading.Lock()
        self._lanes = {}  # timeout (s) -> deque of _Deadline; a lane is here while its timer is armed

    def add(self, timeout, fn):
        """Runs ``fn()`` on the timer thread ``timeout`` seconds from now unless the returned handle's
        ``cancel()`` comes first."""
        entry = _Deadline(time.monotonic() + timeout, fn)
        with self._lock:
            lane = self._lanes.get(timeout)
            arm = lane is None
            if arm:
                lane = self._lanes[timeout] = collections.deque()
            while lane and lane[0].cancelled:
                lane.popleft()
            n = len(lane)
            if n >= 1024 and n & (n - 1) == 0:  # at 1,024, 2,048, ...: each sweep is paid for by as many appends
                lane = self._lanes[timeout] = collections.deque(e for e in lane if not e.cancelled)
            lane.append(entry)
        if arm:
            self._timers.schedule(timeout, lambda: self._expire(timeout))
        return entry

    def pending(self):
        """Returns how many deadlines the lanes hold (cancelled ones not yet dropped included)."""
        with self._lock:
            return sum(len(lane) for lane in self._lanes.values())

    def _expire(self, timeout):
        now = time.monotonic()
        due = []
        with self._lock:
            lane = self._lanes[timeout]
            while lane and (lane[0].cancelled or lane[0].at <= now):
                entry = lane.popleft()
                if not entry.cancelled:
                    due.append(entry)
            if lane:
                wait = lane[0].at - now
            else:
                del self._lanes[timeout]
                wait = None
        if wait is not None:
            self._timers.schedule(wait, lambda: self._expire(timeout))
        for entry in due:
            if not entry.cancelled:
                try:
                    entry.fn()
                except Exception:  # one deadline's failure must not stop the others
                    log.exception("callmesh deadline task failed")
