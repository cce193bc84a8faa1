#!/usr/bin/env python3
"""The workloads of sync_benchmarks.cpp, on CPython's asyncio.

    python3 benchmarks/sync_benchmarks.py              # ns per operation, Python only
    python3 benchmarks/sync_benchmarks.py --json       # the same as one JSON object
    python3 benchmarks/sync_benchmarks.py --cpp build/default/benchmarks/sync_benchmarks
                                                       # both, one table with the ratio

Workloads:
  lock_uncontended   `await lock.acquire(); lock.release()` in a loop, one task alone
  lock_scoped        `async with lock: pass` in a loop (the C++ guard, `lock.scoped()`)
  semaphore_handoff  10,000 tasks queued on a Semaphore(1), each taking it and giving it
                     back: every release wakes the next task, which takes the permit
  lock_handoff       the same with a Lock

Every number is the median of several samples. A sample is measured with
time.perf_counter() inside the coroutine, as the C++ program measures it: for the
hand-offs, from main's release() (every task already queued) until the last task has
given the permit back. As timeit does, the cyclic garbage collector is off while a
sample runs (--gc keeps it on). With --cpp, the C++ program runs with 5 repetitions
and its medians are used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from benchmark_support import cpp_medians, median_seconds

UNCONTENDED_PER_RUN = 1_000_000
HANDOFF_TASKS = 10_000


# ---- uncontended ------------------------------------------------------------------

async def lock_uncontended(count):
    lock = asyncio.Lock()
    start = time.perf_counter()
    for _ in range(count):
        await lock.acquire()
        lock.release()
    return time.perf_counter() - start


async def lock_scoped(count):
    lock = asyncio.Lock()
    start = time.perf_counter()
    for _ in range(count):
        async with lock:
            pass
    return time.perf_counter() - start


# ---- hand-off ------------------------------------------------------------------------

async def take_and_give_back(primitive):
    await primitive.acquire()
    primitive.release()


async def handoff(make_primitive, tasks):
    primitive = make_primitive()
    await primitive.acquire()
    waiting = [asyncio.create_task(take_and_give_back(primitive)) for _ in range(tasks)]
    await asyncio.sleep(0)  # every task takes its first step and queues
    start = time.perf_counter()
    primitive.release()
    await waiting[-1]  # FIFO: the last task queued is the last served
    elapsed = time.perf_counter() - start
    for task in waiting:
        await task
    return elapsed


# ---- running the samples ---------------------------------------------------------------

WORKLOADS = [
    # key, label, coroutine factory, operations per sample, unit
    ("lock_uncontended", "Lock acquire + release, uncontended",
     lambda: lock_uncontended(UNCONTENDED_PER_RUN), UNCONTENDED_PER_RUN, "ns/op"),
    ("lock_scoped", "async with lock (C++: lock.scoped()), uncontended",
     lambda: lock_scoped(UNCONTENDED_PER_RUN), UNCONTENDED_PER_RUN, "ns/op"),
    (f"semaphore_handoff/{HANDOFF_TASKS}", f"Semaphore(1) hand-off, {HANDOFF_TASKS:,} waiting tasks",
     lambda: handoff(asyncio.Semaphore, HANDOFF_TASKS), HANDOFF_TASKS, "ns/hand-off"),
    (f"lock_handoff/{HANDOFF_TASKS}", f"Lock hand-off, {HANDOFF_TASKS:,} waiting tasks",
     lambda: handoff(asyncio.Lock, HANDOFF_TASKS), HANDOFF_TASKS, "ns/hand-off"),
]

CPP_COUNTERS = {"lock_uncontended": "per_op", "lock_scoped": "per_op",
                f"semaphore_handoff/{HANDOFF_TASKS}": "per_handoff",
                f"lock_handoff/{HANDOFF_TASKS}": "per_handoff"}




def run_python(args):
    """{key: ns per operation} for every workload."""
    return {key: median_seconds(make, args.repeats, args.gc) / operations * 1e9
            for key, _, make, operations, _ in WORKLOADS}


def run_cpp(program):
    """{key: ns per operation}: the medians of 5 repetitions of the C++ program."""
    medians, _ = cpp_medians(program, 5)
    return {key: medians[key][counter] * 1e9  # Google Benchmark reports seconds
            for key, counter in CPP_COUNTERS.items() if counter in medians.get(key, {})}



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument("--repeats", type=int, default=5,
                        help="samples per workload; the median is reported (default 5)")
    parser.add_argument("--gc", action="store_true",
                        help="keep the cyclic garbage collector on while timing")
    parser.add_argument("--cpp", metavar="PROGRAM",
                        help="also run this build of sync_benchmarks and print both")
    args = parser.parse_args()

    python = run_python(args)
    cpp = run_cpp(args.cpp) if args.cpp else {}
    if args.json:
        json.dump({"python": sys.version.split()[0], "repeats": args.repeats, "gc": args.gc,
                   "results": python, "cpp": cpp}, sys.stdout, indent=1)
        print()
        return

    print(f"CPython {sys.version.split()[0]} asyncio: median of {args.repeats} samples, "
          f"gc {'on' if args.gc else 'off'} while timing"
          + ("; C++: median of 5 repetitions" if cpp else ""))
    width = max(len(label) for _, label, _, _, _ in WORKLOADS)
    header = f"{'workload':<{width}}  {'unit':<11}  {'Python':>9}"
    if cpp:
        header += f"  {'C++':>9}  {'Py / C++':>9}"
    print(header)
    for key, label, _, _, unit in WORKLOADS:
        line = f"{label:<{width}}  {unit:<11}  {python[key]:>9,.1f}"
        if cpp:
            line += f"  {cpp[key]:>9,.1f}  {python[key] / cpp[key]:>8,.1f}x"
        print(line)


if __name__ == "__main__":
    main()
