#!/usr/bin/env python3
"""The workloads of core_benchmarks.cpp, on CPython's asyncio.

    python3 benchmarks/core_benchmarks.py            # a readable report
    python3 benchmarks/core_benchmarks.py --json     # what compare.py reads

Every timing is the median of several samples. A sample is measured with
time.perf_counter() inside the coroutine, from just before the first
create_task to just after the last task finished, as the C++ program measures
it; creating and closing the event loop is not part of it. As timeit does, the
cyclic garbage collector is off while a sample runs (--gc keeps it on).

Memory is measured once every task is asleep: tracemalloc counts the bytes of
every Python allocation made since the tasks were created, and /proc/self/statm
gives the growth of the resident set. tracemalloc slows allocation down a lot,
so it runs at N = 1e5; the RSS is read at N = 1e6 without it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import sys
import time
import tracemalloc

from benchmark_support import median_seconds

NAP = 0.01  # every sleeping task sleeps 10 ms
SWITCHES_PER_RUN = 100_000


# ---- the coroutines being measured ------------------------------------------

async def return_at_once():
    return None


async def yield_times(count):
    for _ in range(count):
        await asyncio.sleep(0)


async def sleep_for(seconds):
    await asyncio.sleep(seconds)


# ---- spawn ---------------------------------------------------------------------

async def spawn_and_gather(count):
    start = time.perf_counter()
    tasks = [asyncio.create_task(return_at_once()) for _ in range(count)]
    await asyncio.gather(*tasks)
    return time.perf_counter() - start


async def spawn_and_await_each(count):
    start = time.perf_counter()
    tasks = [asyncio.create_task(return_at_once()) for _ in range(count)]
    for task in tasks:
        await task
    return time.perf_counter() - start


# ---- switch --------------------------------------------------------------------

async def yield_alone(count):
    start = time.perf_counter()
    await yield_times(count)
    return time.perf_counter() - start


async def yield_in_turn(tasks, count):
    start = time.perf_counter()
    running = [asyncio.create_task(yield_times(count)) for _ in range(tasks)]
    for task in running:
        await task
    return time.perf_counter() - start


# ---- N sleeping tasks ------------------------------------------------------------

async def sleep_in_tasks(count):
    start = time.perf_counter()
    tasks = [asyncio.create_task(sleep_for(NAP)) for _ in range(count)]
    for task in tasks:
        await task
    return time.perf_counter() - start


# ---- bytes per sleeping task ------------------------------------------------------

def resident_bytes():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGESIZE")


async def hold_sleeping_tasks(count, use_tracemalloc):
    """Bytes per task once `count` tasks sleep. The list of tasks is part of
    the measure, as the vector of Task handles is in the C++ program."""
    gc.collect()
    if use_tracemalloc:
        tracemalloc.start()
    rss_before = resident_bytes()
    tasks = [asyncio.create_task(sleep_for(NAP)) for _ in range(count)]
    await asyncio.sleep(0)  # every task has taken its first step: all of them sleep now
    rss = (resident_bytes() - rss_before) / count
    traced = None
    if use_tracemalloc:
        traced = tracemalloc.get_traced_memory()[0] / count
        tracemalloc.stop()
    for task in tasks:
        await task
    return traced, rss


# ---- running the samples ------------------------------------------------------------



def run_all(args, say):
    """Runs every workload; returns {key: value} (times in ns, sizes in bytes)."""
    results = {}
    repeats = args.repeats

    def timed(key, label, make_coroutine, items, runs=repeats):
        seconds = median_seconds(make_coroutine, runs, args.gc)
        results[key] = seconds / items * 1e9
        say(f"{label:<44} {results[key]:>12.1f} ns")
        return seconds

    say("spawn: create_task + gather of coroutines that return at once (ns per task)")
    for count in (1_000, 10_000):
        timed(f"spawn_gather/{count}", f"  gather, N = {count:,}",
              lambda count=count: spawn_and_gather(count), count)
    timed("spawn_await_each/10000", "  await each, N = 10,000",
          lambda: spawn_and_await_each(10_000), 10_000)

    say("switch: await asyncio.sleep(0) in a loop (ns per switch)")
    for tasks in (1, 2, 100):
        per_task = SWITCHES_PER_RUN // tasks
        if tasks == 1:
            make = lambda: yield_alone(per_task)  # noqa: E731
        else:
            make = lambda tasks=tasks, per_task=per_task: yield_in_turn(tasks, per_task)  # noqa: E731
        timed(f"switch/{tasks}", f"  {tasks} task{'s' if tasks > 1 else ''}", make,
              tasks * per_task)

    say(f"sleeping: N tasks sleep {NAP * 1e3:g} ms each, run to completion (ns per task)")
    counts = [1_000, 10_000, 100_000]
    if args.full:
        counts.append(1_000_000)
    for count in counts:
        runs = repeats if count <= 100_000 else max(1, min(repeats, 3))
        seconds = timed(f"sleeping/{count}", f"  N = {count:,}: wall time / N",
                        lambda count=count: sleep_in_tasks(count), count, runs)
        results[f"sleeping_overhead/{count}"] = (seconds - NAP) / count * 1e9
        say(f"{f'  N = {count:,}: (wall time - 10 ms) / N':<44} "
            f"{results[f'sleeping_overhead/{count}']:>12.1f} ns")
    if not args.full:
        say("  N = 1,000,000: skipped (pass --full)")

    say("memory: bytes per sleeping task")
    traced, rss = asyncio.run(hold_sleeping_tasks(100_000, use_tracemalloc=True))
    results["bytes_traced/100000"] = traced
    results["bytes_rss/100000"] = rss
    say(f"{'  N = 100,000: tracemalloc':<44} {traced:>12.1f} B")
    say(f"{'  N = 100,000: RSS growth (under tracemalloc)':<44} {rss:>12.1f} B")
    if args.full:
        _, rss = asyncio.run(hold_sleeping_tasks(1_000_000, use_tracemalloc=False))
        results["bytes_rss/1000000"] = rss
        say(f"{'  N = 1,000,000: RSS growth':<44} {rss:>12.1f} B")
    else:
        say("  N = 1,000,000: skipped (pass --full)")
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (ns and bytes) instead of the report")
    parser.add_argument("--repeats", type=int, default=5,
                        help="samples per workload; the median is reported (default 5)")
    parser.add_argument("--full", action=argparse.BooleanOptionalAction, default=True,
                        help="include N = 1e6 (default; --no-full skips it)")
    parser.add_argument("--gc", action="store_true",
                        help="keep the cyclic garbage collector on while timing")
    args = parser.parse_args()

    say = (lambda line: None) if args.json else print  # noqa: E731
    say(f"CPython {sys.version.split()[0]} asyncio, median of {args.repeats} samples, "
        f"gc {'on' if args.gc else 'off'} while timing")
    results = run_all(args, say)
    if args.json:
        json.dump({"python": sys.version.split()[0], "repeats": args.repeats,
                   "gc": args.gc, "results": results}, sys.stdout, indent=1)
        print()


if __name__ == "__main__":
    main()
