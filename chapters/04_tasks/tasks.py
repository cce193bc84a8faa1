"""Chapter 4: Tasks -- the Python twin of tasks.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import random
import time

from aio_twin import run_chapter


def since(start: float) -> float:
    return time.perf_counter() - start


# [concurrent_tasks]
async def job(name: str, duration: float) -> None:
    print(f"Task {name} starting")
    await asyncio.sleep(duration)
    print(f"Task {name} complete")


async def three_jobs() -> None:
    start = time.perf_counter()
    task_a = asyncio.create_task(job("A", 2))
    task_b = asyncio.create_task(job("B", 1))
    task_c = asyncio.create_task(job("C", 3))
    # create_task only schedules: no task has taken a step yet. They start
    # when main gives the loop a turn, at the await below.
    print("Three tasks created, none started yet")
    await asyncio.gather(task_a, task_b, task_c)
    print(f"All done after {since(start):.1f}s: the longest task, not the sum (6.0s)")


def concurrent_tasks() -> None:
    asyncio.run(three_jobs())
# [concurrent_tasks]


# [creating_tasks]
async def background_counter(start: float) -> None:
    for i in range(5):
        print(f"[{since(start):.1f}s]   background: {i}")
        await asyncio.sleep(0.5)


async def main_with_background() -> None:
    start = time.perf_counter()
    task = asyncio.create_task(background_counter(start))
    # While main sleeps, the loop runs the background task: the two
    # interleave on one thread.
    for i in range(3):
        print(f"[{since(start):.1f}s] main: {i}")
        await asyncio.sleep(1)
    print(f"[{since(start):.1f}s] main is done; background done already? {task.done()}")
    # Awaiting a finished task does not wait; it hands over the outcome.
    await task
    print(f"[{since(start):.1f}s] await task returned")


def creating_tasks() -> None:
    asyncio.run(main_with_background())
# [creating_tasks]


# [task_result]
async def might_fail(should_fail: bool) -> str:
    await asyncio.sleep(0.1)
    if should_fail:
        raise ValueError("Task failed")
    return "Success"


async def results_and_errors() -> None:
    task = asyncio.create_task(might_fail(False))
    try:
        task.result()
    except asyncio.InvalidStateError:
        print("result() before the task is done: InvalidStateError")
    result = await task
    print(f"await task -> {result!r}")
    print(f"done() = {task.done()}, result() = {task.result()!r}, exception() = {task.exception()}")

    # A task that fails keeps its exception; whoever awaits it gets it raised.
    failing = asyncio.create_task(might_fail(True))
    try:
        await failing
    except ValueError as error:
        print(f"await failing -> raised ValueError: {error}")
    print(f"done() = {failing.done()}, exception() returns the ValueError: {failing.exception()}")
    try:
        failing.result()
    except ValueError as error:
        print(f"result() raises it again: {error}")


def task_result() -> None:
    asyncio.run(results_and_errors())
# [task_result]


# [two_tasks]
async def fetch(url: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"<page from {url}>"


async def two_fetches() -> None:
    start = time.perf_counter()
    task1 = asyncio.create_task(fetch("url1", 1.0))
    task2 = asyncio.create_task(fetch("url2", 0.5))
    # Both run from here on, whichever we await first.
    result1 = await task1
    print(f"[{since(start):.1f}s] result1 = {result1!r}; task2 done meanwhile? {task2.done()}")
    result2 = await task2  # finished at 0.5 s: no waiting
    print(f"[{since(start):.1f}s] result2 = {result2!r}")
    print("Total: the slower fetch (1.0s), not the sum (1.5s)")


def two_tasks() -> None:
    asyncio.run(two_fetches())
# [two_tasks]


# [tasks_vs_coroutines]
async def background_work(work_id: str, seconds: int) -> str:
    print(f"Work {work_id}: starting ({seconds}s)")
    for i in range(seconds):
        await asyncio.sleep(1)
        print(f"Work {work_id}: progress {i + 1}/{seconds}")
    print(f"Work {work_id}: complete")
    return f"Result-{work_id}"


async def coroutines_then_tasks() -> None:
    print("--- Coroutines do not start until awaited ---")
    start = time.perf_counter()
    coro1 = background_work("Coro-A", 2)
    coro2 = background_work("Coro-B", 2)
    print(f"Coroutines created at {since(start):.1f}s")
    await asyncio.sleep(1)
    print("1 second later: neither has started")
    await coro1  # runs now, inside main: 2 s
    await coro2  # and only then this one: 2 s more
    coroutine_time = since(start)
    print(f"Coroutines finished after {coroutine_time:.1f}s (one after the other)")

    print()
    print("--- Tasks start as soon as the loop gets a turn ---")
    start = time.perf_counter()
    task1 = asyncio.create_task(background_work("Task-A", 2))
    task2 = asyncio.create_task(background_work("Task-B", 2))
    print(f"Tasks created at {since(start):.1f}s")
    await asyncio.sleep(1)
    print("1 second later: both are already working")
    await asyncio.gather(task1, task2)
    task_time = since(start)
    print(f"Tasks finished after {task_time:.1f}s (side by side)")

    print()
    print(f"Tasks saved {coroutine_time - task_time:.1f}s")


def tasks_vs_coroutines() -> None:
    asyncio.run(coroutines_then_tasks())
# [tasks_vs_coroutines]


# [task_management]
async def worker(worker_id: str) -> str:
    try:
        work_time = random.uniform(1, 4)
        print(f"Worker {worker_id}: starting {work_time:.1f}s of work")
        for i in range(int(work_time)):
            await asyncio.sleep(1)
            print(f"Worker {worker_id}: {i + 1}/{int(work_time)} seconds done")
        if random.random() < 0.3:  # a 30% chance of failure
            raise Exception(f"Worker {worker_id} encountered an error!")
        print(f"Worker {worker_id}: finished")
        return f"Success-{worker_id}"
    except asyncio.CancelledError:
        print(f"Worker {worker_id}: cancelled during work")
        raise  # a swallowed cancellation would leave the task "succeeded"


async def monitor(tasks: list[asyncio.Task[str]], start: float) -> None:
    # Reports come at 0.25 s, 0.75 s, ...: between the workers' whole-second
    # steps, so each one sees a settled state, on any clock.
    await asyncio.sleep(0.25)
    while True:
        pending = sum(not t.done() for t in tasks)
        cancelled = sum(t.cancelled() for t in tasks)
        # exception() raises CancelledError on a cancelled task: ask cancelled() first.
        failed = sum(t.done() and not t.cancelled() and t.exception() is not None for t in tasks)
        succeeded = len(tasks) - pending - cancelled - failed
        print(f"[{since(start):.2f}s] Status: {pending} pending, {succeeded} succeeded, "
              f"{cancelled} cancelled, {failed} failed")
        if pending == 0:
            break
        await asyncio.sleep(0.5)


async def manage_workers() -> None:
    start = time.perf_counter()
    print("Starting five workers")
    tasks = [asyncio.create_task(worker(f"W{i}"), name=f"W{i}") for i in range(1, 6)]
    watcher = asyncio.create_task(monitor(tasks, start))
    await asyncio.sleep(2)
    # Whoever is still working after 2 s takes too long.
    for task in tasks:
        if not task.done():
            print(f"Cancelling {task.get_name()}")
            task.cancel()
    # Cancelling only asks; gather waits until every task has really ended,
    # and return_exceptions turns errors and cancellations into values.
    results = await asyncio.gather(*tasks, return_exceptions=True)
    await watcher  # it stops by itself once nothing is pending
    print()
    print("Final results:")
    for task, result in zip(tasks, results):
        if isinstance(result, asyncio.CancelledError):
            print(f"  {task.get_name()}: Cancelled")
        elif isinstance(result, Exception):
            print(f"  {task.get_name()}: Failed - {result}")
        else:
            print(f"  {task.get_name()}: {result}")


def task_management() -> None:
    asyncio.run(manage_workers())
# [task_management]


# [download_files]
async def download_file(name: str, size_mb: float) -> str:
    chunks = int(size_mb * 10)
    for _ in range(chunks):
        await asyncio.sleep(0.05)  # one chunk of 100 KB
    return f"{name} ({size_mb}MB)"


async def download_while_working() -> None:
    start = time.perf_counter()
    task1 = asyncio.create_task(download_file("report.pdf", 2.0))
    task2 = asyncio.create_task(download_file("data.csv", 1.5))
    task3 = asyncio.create_task(download_file("image.png", 0.5))
    print("Downloads started, doing other work...")
    await asyncio.sleep(0.1)
    print(f"[{since(start):.2f}s] other work done, now waiting for the downloads")
    results = await asyncio.gather(task1, task2, task3)
    for result in results:
        print(f"  Downloaded: {result}")
    print(f"[{since(start):.2f}s] all three: the largest file's time (1.00s), not the sum (2.00s)")


def download_files() -> None:
    asyncio.run(download_while_working())
# [download_files]


# [fire_and_forget]
async def save_report(name: str, seconds: float) -> str:
    try:
        await asyncio.sleep(seconds)
        print(f"  {name}: saved")
        return f"{name} saved"
    except asyncio.CancelledError:
        print(f"  {name}: cancelled before it was saved")
        raise


async def send_alert() -> None:
    await asyncio.sleep(0.1)
    raise ConnectionError("alert service unreachable")


async def forget_tasks() -> None:
    # Nothing keeps these tasks; nobody will ever await them.
    asyncio.create_task(save_report("quick report", 0.5))
    asyncio.create_task(save_report("slow report", 5))
    asyncio.create_task(send_alert())
    await asyncio.sleep(1)
    print("main returns after 1.0s")


def fire_and_forget() -> None:
    # The quick report is saved: a task runs while the loop runs, referenced
    # or not. The slow one is cut short: asyncio.run cancels what is left
    # when main returns. The alert's error reaches no one; it only shows up on
    # stderr as "Task exception was never retrieved". (CPython's loop holds
    # tasks weakly, so a task waiting on something nothing else references can
    # even be garbage-collected: "Task was destroyed but it is pending!")
    asyncio.run(forget_tasks())
    print("run() returned")
# [fire_and_forget]


# [keep_references]
async def keep_and_await() -> None:
    tasks = [
        asyncio.create_task(save_report("quick report", 0.5), name="quick report"),
        asyncio.create_task(save_report("slow report", 1.5), name="slow report"),
        asyncio.create_task(send_alert(), name="alert"),
    ]
    await asyncio.sleep(1)
    print("main's own work is done; now it waits for its tasks")
    # Held and awaited: every task finishes, and every error is seen.
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for task, result in zip(tasks, results):
        if isinstance(result, Exception):
            print(f"{task.get_name()}: failed - {result}")
        else:
            print(f"{task.get_name()}: {result}")


def keep_references() -> None:
    asyncio.run(keep_and_await())
# [keep_references]


if __name__ == "__main__":
    run_chapter(
        "Chapter 4: Tasks",
        [
            ("concurrent_tasks", concurrent_tasks),
            ("creating_tasks", creating_tasks),
            ("task_result", task_result),
            ("two_tasks", two_tasks),
            ("tasks_vs_coroutines", tasks_vs_coroutines),
            ("task_management", task_management),
            ("download_files", download_files),
            ("fire_and_forget", fire_and_forget),
            ("keep_references", keep_references),
        ],
    )
