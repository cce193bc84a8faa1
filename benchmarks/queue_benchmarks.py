#!/usr/bin/env python3
"""The workloads of queue_benchmarks.cpp, on CPython's asyncio queues.

    python3 benchmarks/queue_benchmarks.py            # a readable report
    python3 benchmarks/queue_benchmarks.py --json     # one JSON object, ns per item
    python3 benchmarks/queue_benchmarks.py --cpp build/default/benchmarks/queue_benchmarks
                                                      # both languages in one table

Workloads (the C++ program runs the same ones):
  ping_pong         two tasks, two unbounded queues, one item bouncing: ns per round trip
  sleep0_ping_pong  the same two tasks taking turns with sleep(0), no queue: ns per round
                    (two task switches, the floor under a round trip)
  bounded_handoff   a producer and a consumer through Queue(maxsize=1): ns per item
  nowait_pairs      put_nowait then get_nowait of one item, in one task: ns per pair
  nowait_batch      1,000 put_nowait then 1,000 get_nowait (Queue, LifoQueue,
                    PriorityQueue): ns per item put and got

Every timing is the median of several samples. A sample is measured with
time.perf_counter() inside the main coroutine, from just before the first task
is created (or the first item put) to just after the last item came out, as the
C++ program measures it; creating and closing the event loop is not part of it.
As timeit does, the cyclic garbage collector is off while a sample runs (--gc
keeps it on).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

from benchmark_support import cpp_medians, median_seconds

ROUNDS = 100_000  # ping-pong round trips and bounded hand-offs per sample
PAIRS = 200_000  # nowait pairs (and items of the batches) per sample; C++ does 1e6
BATCH = 1_000


# ---- ping-pong ---------------------------------------------------------------------

async def pinger(out, back, rounds):
    for i in range(rounds):
        await out.put(i)
        await back.get()


async def ponger(there, back, rounds):
    for _ in range(rounds):
        await back.put(await there.get())


async def ping_pong(rounds):
    there, back = asyncio.Queue(), asyncio.Queue()
    start = time.perf_counter()
    ping = asyncio.create_task(pinger(there, back, rounds))
    pong = asyncio.create_task(ponger(there, back, rounds))
    await ping
    await pong
    return time.perf_counter() - start


async def yield_rounds(rounds):
    for _ in range(rounds):
        await asyncio.sleep(0)


async def sleep0_ping_pong(rounds):
    start = time.perf_counter()
    ping = asyncio.create_task(yield_rounds(rounds))
    pong = asyncio.create_task(yield_rounds(rounds))
    await ping
    await pong
    return time.perf_counter() - start


# ---- a bounded queue: producer and consumer both wait ----------------------------------

async def producer(queue, count):
    for i in range(count):
        await queue.put(i)


async def consumer(queue, count):
    for _ in range(count):
        await queue.get()


async def bounded_handoff(count):
    queue = asyncio.Queue(1)
    start = time.perf_counter()
    produce = asyncio.create_task(producer(queue, count))
    consume = asyncio.create_task(consumer(queue, count))
    await produce
    await consume
    return time.perf_counter() - start


# ---- put_nowait / get_nowait -------------------------------------------------------------

async def nowait_pairs(queue_class, count):
    queue = queue_class()
    put, get = queue.put_nowait, queue.get_nowait
    start = time.perf_counter()
    for i in range(count):
        put(i)
        get()
    return time.perf_counter() - start


async def nowait_batches(queue_class, count):
    queue = queue_class()
    put, get = queue.put_nowait, queue.get_nowait
    start = time.perf_counter()
    for _ in range(0, count, BATCH):
        # Descending values, so the priority queue's heap has work to do.
        for i in range(BATCH):
            put(BATCH - i)
        for _ in range(BATCH):
            get()
    return time.perf_counter() - start


# ---- running the samples -------------------------------------------------------------------



# (key, label, make coroutine, items per sample, C++ benchmark, C++ counter)
WORKLOADS = [
    ("ping_pong", "ping-pong through two queues, ns/round trip",
     lambda: ping_pong(ROUNDS), ROUNDS, "BM_queue_ping_pong", "per_round_trip"),
    ("sleep0_ping_pong", "  floor: two tasks, sleep(0), ns/round",
     lambda: sleep0_ping_pong(ROUNDS), ROUNDS, "BM_sleep0_ping_pong", "per_round_trip"),
    ("bounded_handoff", "producer -> Queue(1) -> consumer, ns/item",
     lambda: bounded_handoff(ROUNDS), ROUNDS, "BM_queue_bounded_handoff", "per_item"),
    ("nowait_pairs/Queue", "Queue: put_nowait + get_nowait, ns/pair",
     lambda: nowait_pairs(asyncio.Queue, PAIRS), PAIRS,
     "BM_queue_nowait_pairs<Fifo>", "per_item"),
    ("nowait_batch/Queue", "Queue: batches of 1,000, ns/item",
     lambda: nowait_batches(asyncio.Queue, PAIRS), PAIRS,
     "BM_queue_nowait_batch<Fifo>", "per_item"),
    ("nowait_batch/LifoQueue", "LifoQueue: batches of 1,000, ns/item",
     lambda: nowait_batches(asyncio.LifoQueue, PAIRS), PAIRS,
     "BM_queue_nowait_batch<Lifo>", "per_item"),
    ("nowait_batch/PriorityQueue", "PriorityQueue: batches of 1,000, ns/item",
     lambda: nowait_batches(asyncio.PriorityQueue, PAIRS), PAIRS,
     "BM_queue_nowait_batch<Priority>", "per_item"),
]


def run_python(args, say):
    results = {}
    for key, label, make, items, _, _ in WORKLOADS:
        results[key] = median_seconds(make, args.repeats, args.gc) / items * 1e9
        say(f"{label:<46} {results[key]:>10.1f}")
    return results


def run_cpp(binary, repetitions):
    """Medians of the C++ program's repetitions, in ns, keyed like the Python results."""
    medians, _ = cpp_medians(binary, repetitions)
    by_name = {name.split("/")[0]: entry for name, entry in medians.items()}
    return {key: by_name[cpp_name][counter] * 1e9
            for key, _, _, _, cpp_name, counter in WORKLOADS
            if counter in by_name.get(cpp_name, {})}



def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (ns per item) instead of the report")
    parser.add_argument("--repeats", type=int, default=5,
                        help="samples per workload; the median is reported (default 5)")
    parser.add_argument("--gc", action="store_true",
                        help="keep the cyclic garbage collector on while timing")
    parser.add_argument("--cpp", metavar="BINARY",
                        help="also run this queue_benchmarks program and print both side by side")
    parser.add_argument("--cpp-repetitions", type=int, default=5,
                        help="repetitions of the C++ program (default 5); the median is used")
    args = parser.parse_args()

    python = sys.version.split()[0]
    if args.json:
        results = run_python(args, lambda line: None)
        json.dump({"python": python, "repeats": args.repeats, "gc": args.gc,
                   "results": results}, sys.stdout, indent=1)
        print()
        return
    if not args.cpp:
        print(f"CPython {python} asyncio queues, median of {args.repeats} samples, "
              f"gc {'on' if args.gc else 'off'} while timing (ns; lower is better)")
        run_python(args, print)
        return

    cpp = run_cpp(args.cpp, args.cpp_repetitions)
    py = run_python(args, lambda line: None)
    print(f"C++ (aio): median of {args.cpp_repetitions} repetitions; CPython {python}: median "
          f"of {args.repeats} samples, gc {'on' if args.gc else 'off'}. ns, lower is better.")
    print()
    print(f"| {'workload':<46} | {'C++':>8} | {'Python':>9} | {'Py / C++':>8} |")
    print(f"|{'-' * 48}|{'-' * 9}:|{'-' * 10}:|{'-' * 9}:|")
    for key, label, *_ in WORKLOADS:
        c, p = cpp.get(key), py.get(key)
        ratio = f"{p / c:.1f}x" if c and p else "-"
        c_text = f"{c:,.1f}" if c else "-"
        p_text = f"{p:,.1f}" if p else "-"
        print(f"| {label.strip():<46} | {c_text:>8} | {p_text:>9} | {ratio:>8} |")


if __name__ == "__main__":
    main()
