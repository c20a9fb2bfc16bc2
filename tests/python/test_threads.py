"""The interpreter lock is released while sampling, and Ctrl-C stops a run."""

import _thread
import threading
import time

import pytest

import riskcast


def test_another_python_thread_runs_while_sampling(flagship):
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.001)

    thread = threading.Thread(target=ticker)
    thread.start()
    try:
        start = time.monotonic()
        flagship.run(samples=200_000, seed=1, scenarios=["base"], threads=1)
        end = time.monotonic()
    finally:
        stop.set()
        thread.join()
    # With the lock held in C++ for the whole run, the ticker could only tick at its very start and end;
    # released, it ticks throughout, so some tick falls in the middle half of the run.
    quarter = (end - start) / 4
    middle = [t for t in ticks if start + quarter < t < end - quarter]
    assert len(middle) > 0, f"no tick in the middle of a {end - start:.3f} s run"


def test_keyboard_interrupt_stops_the_run(flagship):
    reports = []

    def progress(p):
        reports.append((p.scenario, p.done, p.total))
        if len(reports) == 1:
            _thread.interrupt_main()  # as Ctrl-C does

    with pytest.raises(KeyboardInterrupt):
        flagship.run(samples=5_000_000, seed=1, scenarios=["base", "h200_open"], threads=1, progress=progress)
    # Stopped early: the last scenario never reported its end (it would have, had the run not stopped).
    assert (1, 5_000_000, 5_000_000) not in reports


def test_two_threads_run_the_same_model_at_once(flagship):
    results = [None, None]

    def run(i):
        results[i] = flagship.run(samples=20_000, seed=9, scenarios=["base"], threads=1).table()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results[0].equals(results[1])
