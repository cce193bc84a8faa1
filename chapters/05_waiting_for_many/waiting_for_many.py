"""Chapter 5: Waiting for many -- the Python twin of waiting_for_many.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import time
from typing import Any

from aio_twin import run_chapter


# [sequential_vs_concurrent]
async def work(name: str, duration: float) -> str:
    await asyncio.sleep(duration)
    return f"{name} done"


async def sequential() -> list[str]:
    # Each await finishes before the next call even starts.
    r1 = await work("Task1", 1)
    r2 = await work("Task2", 1)
    r3 = await work("Task3", 1)
    return [r1, r2, r3]


async def concurrent() -> list[str]:
    # gather wraps each coroutine in a task, so all three wait at once.
    return await asyncio.gather(work("Task1", 1), work("Task2", 1), work("Task3", 1))


def sequential_vs_concurrent() -> None:
    # perf_counter, not time.time: a monotonic clock made for intervals.
    start = time.perf_counter()
    results = asyncio.run(sequential())
    print(f"Sequential: {results} in {time.perf_counter() - start:.1f}s")

    start = time.perf_counter()
    results = asyncio.run(concurrent())
    print(f"Concurrent: {results} in {time.perf_counter() - start:.1f}s")
# [sequential_vs_concurrent]


# [gather_results]
async def fetch_url(url: str) -> str:
    await asyncio.sleep(1)
    return f"Data from {url}"


async def fetch_all() -> None:
    urls = [
        "http://example.com/1",
        "http://example.com/2",
        "http://example.com/3",
    ]
    start = time.perf_counter()
    results = await asyncio.gather(*(fetch_url(url) for url in urls))
    # Results come back in argument order, so they line up with the urls.
    for url, result in zip(urls, results):
        print(f"{url}: {result}")
    print(f"{len(urls)} fetches in {time.perf_counter() - start:.1f}s")


def gather_results() -> None:
    asyncio.run(fetch_all())
# [gather_results]


# [simulated_fetch]
class HTTPError(Exception):
    """A response with an error status, as an HTTP client raises on request."""


async def fetch(url: str, name: str, delay: float, status: int = 200) -> dict[str, Any]:
    """A stand-in for an HTTP request: no network, a sleep for the round trip."""
    start = time.perf_counter()
    print(f"{name}: starting request to {url}")
    try:
        await asyncio.sleep(delay)
        if status >= 400:
            raise HTTPError(f"HTTP {status} from {url}")
        duration = time.perf_counter() - start
        print(f"{name}: completed in {duration:.2f}s")
        return {"name": name, "url": url, "duration": duration, "status": status}
    except Exception as error:
        print(f"{name}: failed after {time.perf_counter() - start:.2f}s - {error}")
        raise
# [simulated_fetch]


# [gather_all_succeed]
async def all_succeed() -> None:
    start = time.perf_counter()
    results = await asyncio.gather(
        fetch("https://httpbin.org/delay/1", "Fast", 1.0),
        fetch("https://httpbin.org/delay/2", "Medium", 2.0),
        fetch("https://httpbin.org/delay/1.5", "Quick", 1.5),
    )
    print(f"All requests succeeded, after {time.perf_counter() - start:.2f}s in all:")
    for result in results:
        print(f"  {result['name']}: {result['duration']:.2f}s")


def gather_all_succeed() -> None:
    asyncio.run(all_succeed())
# [gather_all_succeed]


# [gather_fail_fast]
async def one_failure() -> None:
    start = time.perf_counter()
    # Tasks we hold, so we can look at them after gather gives up.
    tasks = [
        asyncio.create_task(
            fetch("https://httpbin.org/delay/1", "Success1", 1.0), name="Success1"
        ),
        asyncio.create_task(
            fetch("https://httpbin.org/status/500", "Failure", 0.2, 500), name="Failure"
        ),
        asyncio.create_task(
            fetch("https://httpbin.org/delay/1", "Success2", 1.0), name="Success2"
        ),
    ]
    try:
        await asyncio.gather(*tasks)
    except HTTPError as error:
        print(f"gather() failed fast after {time.perf_counter() - start:.2f}s: {error}")
    # The first error reached us at once, but gather cancelled nothing.
    running = [task for task in tasks if not task.done()]
    print(f"Still running: {[task.get_name() for task in running]}")
    for task in running:
        result = await task
        print(f"{result['name']} finished anyway, at {time.perf_counter() - start:.2f}s")


def gather_fail_fast() -> None:
    # Had main returned without waiting, asyncio.run would have cancelled them.
    asyncio.run(one_failure())
# [gather_fail_fast]


# [gather_return_exceptions]
async def errors_as_values() -> None:
    results = await asyncio.gather(
        fetch("https://httpbin.org/delay/1", "Success1", 1.0),
        fetch("https://httpbin.org/status/500", "Failure", 0.2, 500),
        fetch("https://httpbin.org/delay/1", "Success2", 1.0),
        return_exceptions=True,  # an error is a result like any other
    )
    print("Mixed results, exceptions returned in place:")
    for i, result in enumerate(results, start=1):
        if isinstance(result, Exception):
            print(f"  Request {i}: Failed - {result}")
        else:
            print(f"  Request {i}: Success - {result['name']}")


def gather_return_exceptions() -> None:
    asyncio.run(errors_as_values())
# [gather_return_exceptions]


# [gather_order]
async def finish_after(name: str, seconds: float, start: float) -> str:
    await asyncio.sleep(seconds)
    print(f"  {name} finished at {time.perf_counter() - start:.1f}s")
    return name


async def completion_vs_argument_order() -> None:
    start = time.perf_counter()
    results = await asyncio.gather(
        finish_after("slow", 0.3, start),
        finish_after("fast", 0.1, start),
        finish_after("medium", 0.2, start),
    )
    # Completion order was fast, medium, slow; the results keep argument order.
    print(f"gather returned {results}")


def gather_order() -> None:
    asyncio.run(completion_vs_argument_order())
# [gather_order]


if __name__ == "__main__":
    run_chapter(
        "Chapter 5: Waiting for many: gather, as_completed, wait",
        [
            ("sequential_vs_concurrent", sequential_vs_concurrent),
            ("gather_results", gather_results),
            ("gather_all_succeed", gather_all_succeed),
            ("gather_fail_fast", gather_fail_fast),
            ("gather_return_exceptions", gather_return_exceptions),
            ("gather_order", gather_order),
        ],
    )
