"""The handler pool: a task wakes one thread, the one that went idle last; the pool never grows past its size,
queues what it cannot run, and ends its threads when shut down."""

import threading
import time

import pytest

from callmesh.pool import HandlerPool


def wait_until(cond, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.001)


def run_on(pool):
    """Submits a task and returns the name of the thread that ran it, once the pool is idle again."""
    ran = []
    done = threading.Event()

    def task():
        ran.append(threading.current_thread().name)
        done.set()
    pool.submit(task)
    assert done.wait(5)
    wait_until(lambda: pool.idle() == pool.threads())
    return ran[0]


def test_sequential_tasks_run_on_the_thread_that_went_idle_last():
    pool = HandlerPool(8, "t")
    try:
        release = threading.Event()
        started = []
        for _ in range(3):  # three tasks at once: three threads
            pool.submit(lambda: (started.append(1), release.wait(5)))
        wait_until(lambda: len(started) == 3)
        assert pool.threads() == 3
        release.set()
        wait_until(lambda: pool.idle() == 3)
        names = {run_on(pool) for _ in range(50)}
        # One thread serves them all: the others are never woken (a shared queue would wake one per task,
        # and a round-robin would use all three).
        assert len(names) == 1, names
        assert pool.threads() == 3
    finally:
        pool.shutdown()


def test_the_pool_stops_at_its_size_and_queues_the_rest_in_order():
    pool = HandlerPool(2, "t")
    try:
        release = threading.Event()
        order = []
        lock = threading.Lock()

        def task(i):
            with lock:
                order.append(i)
            release.wait(5)
        for i in range(6):
            pool.submit(task, i)
        wait_until(lambda: len(order) == 2)
        time.sleep(0.05)
        assert pool.threads() == 2 and len(order) == 2 and pool.queued() == 4
        release.set()
        wait_until(lambda: len(order) == 6)
        assert order[2:] == [2, 3, 4, 5]
    finally:
        pool.shutdown()


def test_a_failing_task_does_not_end_its_thread():
    pool = HandlerPool(1, "t")
    try:
        pool.submit(lambda: 1 / 0)
        assert run_on(pool)
        assert pool.threads() == 1
    finally:
        pool.shutdown()


def test_shutdown_ends_idle_threads_and_refuses_new_tasks():
    pool = HandlerPool(4, "pool-shutdown-test")
    name = run_on(pool)
    mine = [t for t in threading.enumerate() if t.name == name]
    assert len(mine) == 1
    pool.shutdown()
    wait_until(lambda: pool.threads() == 0)
    mine[0].join(5)
    assert not mine[0].is_alive()
    with pytest.raises(RuntimeError):
        pool.submit(lambda: None)


def test_try_submit_runs_only_on_a_thread_free_now_and_never_queues():
    pool = HandlerPool(2, "t")
    try:
        release = threading.Event()
        ran = []
        # GIVEN an empty pool WHEN a task is tried THEN a thread starts for it
        assert pool.try_submit(lambda: (ran.append(1), release.wait(5)))
        wait_until(lambda: len(ran) == 1)
        # a second one starts the second thread
        assert pool.try_submit(lambda: (ran.append(2), release.wait(5)))
        wait_until(lambda: len(ran) == 2)
        # WHEN both threads are busy THEN a try is refused, and nothing is queued
        assert not pool.try_submit(lambda: ran.append(3))
        assert pool.queued() == 0 and pool.threads() == 2
        release.set()
        wait_until(lambda: pool.idle() == 2)
        # an idle thread takes a tried task
        done = threading.Event()
        assert pool.try_submit(done.set)
        assert done.wait(5)
        assert 3 not in ran
    finally:
        pool.shutdown()
    assert not pool.try_submit(lambda: None)


def test_a_bad_size_is_refused():
    with pytest.raises(ValueError):
        HandlerPool(0, "t")
