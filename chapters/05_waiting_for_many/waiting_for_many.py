"""Chapter 5: Waiting for many -- the Python twin of waiting_for_many.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import random
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


# [wait_with_conditions]
async def task(name: str, duration: float) -> str:
    await asyncio.sleep(duration)
    return f"{name} done"


async def first_of_three() -> None:
    tasks = [
        asyncio.create_task(task("A", 1), name="A"),
        asyncio.create_task(task("B", 2), name="B"),
        asyncio.create_task(task("C", 3), name="C"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"Done: {len(done)}")
    print(f"Pending: {len(pending)}")
    # Not `for task in pending`: assigning `task` anywhere in this function
    # makes it a local name, so the task(...) calls above would raise
    # UnboundLocalError before anything ran. wait returns sets, so sort them
    # to print in a fixed order.
    for other in sorted(pending, key=asyncio.Task.get_name):
        print(f"Then: {await other}")


def wait_with_conditions() -> None:
    asyncio.run(first_of_three())
# [wait_with_conditions]


# [as_completed_order]
async def variable_duration_task(task_id: str) -> dict[str, Any]:
    duration = random.uniform(0.5, 3.0)
    print(f"Task {task_id}: starting ({duration:.1f}s expected)")
    await asyncio.sleep(duration)
    print(f"Task {task_id}: completed after {duration:.1f}s")
    return {"task_id": task_id, "duration": duration}


async def results_as_they_arrive() -> None:
    start = time.perf_counter()
    # Tasks, not bare coroutines: as_completed would put coroutines in a set
    # and start them in an order that changes from run to run.
    tasks = [
        asyncio.create_task(variable_duration_task(f"T{i}")) for i in range(1, 6)
    ]
    completion_order = []
    for next_result in asyncio.as_completed(tasks):
        result = await next_result  # whichever task finished next
        completion_order.append(result["task_id"])
        print(f"Received {result['task_id']} at {time.perf_counter() - start:.1f}s")
    print(f"All done in {time.perf_counter() - start:.1f}s")
    print(f"Completion order: {' -> '.join(completion_order)}")


def as_completed_order() -> None:
    asyncio.run(results_as_they_arrive())
# [as_completed_order]


# [as_completed_timeout]
async def slow_task(task_id: str, duration: float) -> str:
    await asyncio.sleep(duration)
    return f"Task {task_id} result"


async def results_until_timeout() -> None:
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(slow_task("A", 1), name="A"),
        asyncio.create_task(slow_task("B", 3), name="B"),
        asyncio.create_task(slow_task("C", 2), name="C"),
        asyncio.create_task(slow_task("D", 4), name="D"),
    ]
    completed = 0
    try:
        for next_result in asyncio.as_completed(tasks, timeout=2.5):
            result = await next_result
            completed += 1
            print(f"Completed {completed}: {result} at {time.perf_counter() - start:.1f}s")
    except asyncio.TimeoutError:
        print(f"Timed out at {time.perf_counter() - start:.1f}s after {completed} results")
    # The timeout ends the waiting, not the work: nothing was cancelled.
    running = [t.get_name() for t in tasks if not t.done()]
    print(f"Still running: {running}")
    for t in tasks:
        if t.get_name() in running:
            print(f"{await t} at {time.perf_counter() - start:.1f}s")


def as_completed_timeout() -> None:
    asyncio.run(results_until_timeout())
# [as_completed_timeout]


# [controlled_task]
async def controlled_task(task_id: str, duration: float, should_fail: bool = False) -> str:
    print(f"Task {task_id}: starting")
    try:
        await asyncio.sleep(duration)
        if should_fail:
            raise ValueError(f"Task {task_id} failed on purpose")
        print(f"Task {task_id}: completed")
        return f"Result from task {task_id}"
    except asyncio.CancelledError:
        print(f"Task {task_id}: cancelled")
        raise


def by_name(tasks: set[asyncio.Task[str]]) -> list[asyncio.Task[str]]:
    """wait returns sets; sorted by name they print in a fixed order."""
    return sorted(tasks, key=asyncio.Task.get_name)
# [controlled_task]


# [wait_first_completed]
async def first_then_cancel() -> None:
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(controlled_task(name, duration), name=name)
        for name, duration in [("A", 1), ("B", 2), ("C", 3)]
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"First completion after {time.perf_counter() - start:.1f}s")
    print(f"{len(done)} completed, {len(pending)} still running")
    for finished in by_name(done):
        print(f"First result: {await finished}")
    # wait cancels nothing; the rest are ours to stop.
    for unfinished in by_name(pending):
        unfinished.cancel()
    # cancel() only asks: wait until each task has handled its CancelledError.
    await asyncio.wait(pending)
    print(f"Cancelled: {[t.get_name() for t in by_name(pending) if t.cancelled()]}")


def wait_first_completed() -> None:
    asyncio.run(first_then_cancel())
# [wait_first_completed]


# [wait_first_exception]
async def stop_at_first_failure() -> None:
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(controlled_task("X", 2), name="X"),
        asyncio.create_task(controlled_task("Y", 1, should_fail=True), name="Y"),
        asyncio.create_task(controlled_task("Z", 3), name="Z"),
    ]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(f"First exception after {time.perf_counter() - start:.1f}s")
    for finished in by_name(done):
        try:
            print(f"Task completed: {await finished}")
        except ValueError as error:
            print(f"Task failed: {error}")
    for unfinished in by_name(pending):
        unfinished.cancel()
    await asyncio.wait(pending)


def wait_first_exception() -> None:
    asyncio.run(stop_at_first_failure())
# [wait_first_exception]


# [wait_timeout]
async def wait_at_most() -> None:
    start = time.perf_counter()
    tasks = [
        asyncio.create_task(controlled_task(name, duration), name=name)
        for name, duration in [("Fast", 1), ("Medium", 3), ("Slow", 5)]
    ]
    # The timeout ends the wait only: no TimeoutError, nothing cancelled.
    done, pending = await asyncio.wait(tasks, timeout=2.0, return_when=asyncio.ALL_COMPLETED)
    print(f"Timeout reached after {time.perf_counter() - start:.1f}s")
    print(f"{len(done)} completed, {len(pending)} still running")
    for finished in by_name(done):
        print(f"Completed before the timeout: {await finished}")
    for unfinished in by_name(pending):
        print(f"Cancelling {unfinished.get_name()}")
        unfinished.cancel()
    await asyncio.wait(pending)
    print(f"Finished after {time.perf_counter() - start:.1f}s")


def wait_timeout() -> None:
    asyncio.run(wait_at_most())
# [wait_timeout]


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
            ("wait_with_conditions", wait_with_conditions),
            ("as_completed_order", as_completed_order),
            ("as_completed_timeout", as_completed_timeout),
            ("wait_first_completed", wait_first_completed),
            ("wait_first_exception", wait_first_exception),
            ("wait_timeout", wait_timeout),
        ],
    )
