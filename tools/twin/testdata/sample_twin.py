"""A small chapter twin for the harness tests: each section shows one thing
the harness promises."""

import asyncio
import random
import sys
import time
from pathlib import Path

# Tests put tools/twin on PYTHONPATH; this makes the file runnable by hand too.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aio_twin import run_chapter  # noqa: E402


def hello():
    print("hello from the sample twin")
    print("second line")


async def ten_short_sleeps():
    loop = asyncio.get_running_loop()
    start = loop.time()
    for _ in range(10):
        await asyncio.sleep(0.1)
    print(f"ten sleeps of 0.1 s took {loop.time() - start:.2f} s")


def sleeps():
    # Two event loops, one after the other: their times add up.
    start = time.perf_counter()
    asyncio.run(ten_short_sleeps())
    asyncio.run(asyncio.sleep(5))
    print(f"both runs took {time.perf_counter() - start:.2f} s")


def dice():
    # The same numbers whether this section runs alone or after others.
    print([random.randint(1, 6) for _ in range(5)])


async def five_equal_timers():
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    order = []

    def fire(n):
        order.append(n)
        if len(order) == 5:
            done.set_result(None)
    for n in range(5):
        loop.call_later(1.0, fire, n)
    await done
    print("timers fired in order", order)


def timers():
    asyncio.run(five_equal_timers())


async def three_blocking_sleeps():
    loop = asyncio.get_running_loop()
    start = loop.time()
    await asyncio.gather(*(asyncio.to_thread(time.sleep, 1) for _ in range(3)))
    print(f"three 1 s sleeps in threads took {loop.time() - start:.2f} s")
    start = loop.time()
    time.sleep(0.5)   # blocks the loop, as it would for real
    print(f"a blocking sleep on the loop took {loop.time() - start:.2f} s")


def threads():
    asyncio.run(three_blocking_sleeps())


async def name_tasks():
    child = asyncio.create_task(asyncio.sleep(0))
    await child
    print(asyncio.current_task().get_name(), child.get_name())


def names():
    # Task numbering restarts with every section.
    asyncio.run(name_tasks())


run_chapter("Sample chapter: what the harness promises", [
    ("hello", hello),
    ("sleeps", sleeps),
    ("dice", dice),
    ("timers", timers),
    ("threads", threads),
    ("names", names),
])
