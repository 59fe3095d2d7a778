"""The threads that run the handlers of served calls.

``concurrent.futures.ThreadPoolExecutor`` shares one queue between its idle threads, and each task it
hands over wakes a second idle thread that finds the queue empty and sleeps again (``SimpleQueue``
passes its lock on). Under the GIL that is a thread switch per served call for nothing. Here each idle
thread waits on its own lock: a task goes to the thread that went idle last (its stack and caches are
warm) and wakes that thread alone. The others sleep until several calls run at once.
"""

import collections
import logging
import threading

__all__ = ["HandlerPool"]

log = logging.getLogger("callmesh")


class _Worker:
    __slots__ = ("wake", "task")

    def __init__(self):
        self.wake = threading.Lock()
        self.wake.acquire()  # held until a task (or the shutdown) is handed over
        self.task = None


class HandlerPool:
    """Runs ``fn(*args)`` on up to ``size`` daemon threads, started when no thread is idle and then kept.

    When all ``size`` threads are busy, tasks wait in order for the next one free. A task that raises is
    logged; its thread goes on.
    """

    def __init__(self, size, name="callmesh-handler"):
        if size < 1:
            raise ValueError("a handler pool needs at least one thread, got %r" % (size,))
        self._size = size
        self._name = name
        self._lock = threading.Lock()
        self._idle = []  # the thread that went idle last is at the end
        self._backlog = collections.deque()
        self._threads = 0
        self._shutdown = False

    def submit(self, fn, *args):
        """Runs ``fn(*args)`` on a pool thread; raises RuntimeError once the pool is shut down."""
        with self._lock:
            if self._shutdown:
                raise RuntimeError("the handler pool is shut down")
            if self._idle:
                worker = self._idle.pop()
                worker.task = (fn, args)
                worker.wake.release()
                return
            self._backlog.append((fn, args))
            if self._threads >= self._size:
                return
            self._threads += 1
            n = self._threads
        threading.Thread(target=self._work, name="%s-%d" % (self._name, n), daemon=True).start()

    def try_submit(self, fn, *args):
        """Runs ``fn(*args)`` on a pool thread only if one is idle or may be started now; returns whether it
        does. Never queues: with every thread busy (or the pool shut down) it returns False and runs nothing."""
        with self._lock:
            if self._shutdown:
                return False
            if self._idle:
                worker = self._idle.pop()
                worker.task = (fn, args)
                worker.wake.release()
                return True
            if self._threads >= self._size:
                return False
            self._backlog.append((fn, args))
            self._threads += 1
            n = self._threads
        threading.Thread(target=self._work, name="%s-%d" % (self._name, n), daemon=True).start()
        return True

    def shutdown(self):
        """Refuses new tasks and ends each thread once it is idle (tasks already queued still run)."""
        with self._lock:
            self._shutdown = True
            idle, self._idle = self._idle, []
            self._threads -= len(idle)
        for worker in idle:
            worker.wake.release()  # with no task: the thread ends

    def threads(self):
        """Returns how many threads the pool has."""
        return self._threads

    def idle(self):
        """Returns how many threads wait for a task."""
        return len(self._idle)

    def queued(self):
        """Returns how many tasks wait for a thread."""
        return len(self._backlog)

    def _work(self):
        me = _Worker()
        while True:
            with self._lock:
                if self._backlog:
                    task = self._backlog.popleft()
                elif self._shutdown:
                    self._threads -= 1
                    return
                else:
                    task = None
                    self._idle.append(me)
            if task is None:
                me.wake.acquire()
                task, me.task = me.task, None
                if task is None:  # shut down while idle (shutdown() counted this thread out)
                    return
            fn, args = task
            try:
                fn(*args)
            except BaseException:  # a task's failure must not end its thread
                log.exception("callmesh handler task failed")
            task = fn = args = None  # drop references before sleeping
