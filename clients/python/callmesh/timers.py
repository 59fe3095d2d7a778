"""One thread that runs delayed tasks: heartbeats and the deadlines of calls being served.

A timer per call would be a thread per call; this keeps a heap instead. Tasks must be short (they run
on the timer thread one after another); a task that raises is logged and does not stop the others.
"""

import heapq
import itertools
import logging
import threading
import time

__all__ = ["Timers"]

log = logging.getLogger("callmesh")


class _Handle:
    __slots__ = ("cancelled",)

    def __init__(self):
        self.cancelled = False

    def cancel(self):
        """Makes sure the task does not run (if it has not started yet)."""
        self.cancelled = True


class Timers:
    """Runs ``fn()`` after ``delay`` seconds on a daemon thread, started on first use, until ``stop()``."""

    def __init__(self, name="callmesh-timers"):
        self._name = name
        self._heap = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread = None
        self._stopped = False

    def schedule(self, delay, fn):
        """Returns a handle whose ``cancel()`` stops ``fn`` from running ``delay`` seconds from now."""
        handle = _Handle()
        with self._cond:
            if self._stopped:
                handle.cancelled = True
                return handle
            heapq.heappush(self._heap, (time.monotonic() + max(0.0, delay), next(self._seq), handle, fn))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
            self._cond.notify()
        return handle

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
                            break
                        self._cond.wait(wait)
                    else:
                        self._cond.wait()
            if handle.cancelled:
                continue
            try:
                fn()
            except Exception:  # a task's failure must not end the timers
                log.exception("callmesh timer task failed")
