"""Chapter 9: Timeouts and cancellation -- the Python twin of timeouts.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import time

from aio_twin import run_chapter


# [wait_for_timeout]
async def slow_operation() -> str:
    await asyncio.sleep(10)
    return "done"


async def give_up_after_one_second() -> None:
    start = time.perf_counter()
    try:
        result = await asyncio.wait_for(slow_operation(), timeout=1.0)
        print(f"Result: {result}")
    except TimeoutError as error:
        # wait_for cancelled slow_operation before raising: nothing is left running.
        print(f"Operation timed out after {time.perf_counter() - start:.1f}s")
        # The CancelledError that stopped slow_operation is the TimeoutError's cause.
        print(f"Its cause: {error.__cause__!r}")


def wait_for_timeout() -> None:
    asyncio.run(give_up_after_one_second())
# [wait_for_timeout]


# [timeout_strategies]
async def operation(name: str, duration: float) -> str:
    print(f"{name}: starting ({duration:.0f}s)")
    try:
        await asyncio.sleep(duration)
    except asyncio.CancelledError:
        print(f"{name}: cancelled")
        raise  # the cancellation must go on, or the canceller never learns
    print(f"{name}: completed")
    return f"result from {name}"


async def individual_timeout(start: float) -> None:
    try:
        result = await asyncio.wait_for(operation("Slow1", 3), timeout=2.0)
        print(f"Result: {result}")
    except TimeoutError:
        print(f"Slow1 timed out after {time.perf_counter() - start:.1f}s")


async def partial_completion(start: float) -> None:
    durations = {"Op1": 1, "Op2": 2, "Op3": 4, "Op4": 5}
    tasks = [asyncio.create_task(operation(name, d)) for name, d in durations.items()]
    # wait's timeout only ends the wait: it raises nothing and cancels nothing.
    done, pending = await asyncio.wait(tasks, timeout=2.5)
    elapsed = time.perf_counter() - start
    print(f"After {elapsed:.1f}s: {len(done)} completed, {len(pending)} pending")
    for task in tasks:  # the task list, not the set, for a fixed order
        if task in done:
            print(f"Completed: {task.result()}")
    # The stragglers are still running; stop them and wait until they have.
    for task in tasks:
        if task in pending:
            task.cancel()
    await asyncio.wait(pending)
    print(f"Cancelled: {[task.cancelled() for task in tasks]}")


async def strategies() -> None:
    print("Individual operation timeout:")
    await individual_timeout(time.perf_counter())
    print("Partial completion with timeout:")
    await partial_completion(time.perf_counter())


def timeout_strategies() -> None:
    asyncio.run(strategies())
# [timeout_strategies]


# [timeout_scope]
async def step(name: str, duration: float) -> None:
    await asyncio.sleep(duration)
    print(f"step {name} finished")


async def two_steps() -> None:
    await step("one", 1.0)
    await step("two", 1.0)


async def scope_covers_every_await() -> None:
    start = time.perf_counter()
    try:
        # One deadline for everything inside, however many awaits that is.
        async with asyncio.timeout(1.5):
            await two_steps()
    except TimeoutError:
        print(f"timeout() scope expired after {time.perf_counter() - start:.1f}s")


def timeout_scope() -> None:
    asyncio.run(scope_covers_every_await())
# [timeout_scope]


# [swallowed_cancellation]
async def stubborn_worker() -> str:
    for number in range(1, 4):
        try:
            await asyncio.sleep(1)
            print(f"stubborn: step {number} done")
        except BaseException:  # WRONG: this catches CancelledError too
            print(f"stubborn: ignored a cancellation in step {number}")
    return "stubborn result"


async def polite_worker() -> str:
    for number in range(1, 4):
        try:
            await asyncio.sleep(1)
            print(f"polite: step {number} done")
        except asyncio.CancelledError:
            print(f"polite: cleaning up in step {number}")
            raise  # RIGHT: clean up, then let the cancellation go on
        except Exception as error:  # does not catch CancelledError
            print(f"polite: step {number} failed: {error}")
    return "polite result"


async def swallowing() -> None:
    start = time.perf_counter()
    # The timeout fires at 1.5s, but wait_for has to wait for the worker, and
    # the worker carries on: the result arrives late, and no TimeoutError.
    result = await asyncio.wait_for(stubborn_worker(), timeout=1.5)
    print(f"wait_for returned {result!r} after {time.perf_counter() - start:.1f}s")

    task = asyncio.create_task(stubborn_worker())
    await asyncio.sleep(0.5)
    task.cancel()
    await task
    print(f"after cancel(): cancelled() = {task.cancelled()}, result {task.result()!r}")

    start = time.perf_counter()
    try:
        await asyncio.wait_for(polite_worker(), timeout=1.5)
    except TimeoutError:
        print(f"polite worker timed out after {time.perf_counter() - start:.1f}s")


def swallowed_cancellation() -> None:
    asyncio.run(swallowing())
# [swallowed_cancellation]


# [cancel_message]
async def listener() -> None:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as error:
        # The message given to cancel() travels with the exception.
        print(f"listener: cancelled, message {str(error)!r}")
        raise


async def cancel_with_message() -> None:
    task = asyncio.create_task(listener())
    await asyncio.sleep(1)
    task.cancel("shutting down")
    try:
        await task
    except asyncio.CancelledError:
        print(f"main: task cancelled: {task.cancelled()}")


def cancel_message() -> None:
    asyncio.run(cancel_with_message())
# [cancel_message]


# [cancelling_uncancel]
async def sleeper() -> None:
    await asyncio.sleep(10)


async def counting_requests() -> None:
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0)  # let it start
    task.cancel()
    task.cancel()
    # cancelling() counts the requests; the task still gets one CancelledError.
    print(f"after two cancel() calls: cancelling() = {task.cancelling()}")
    print(f"uncancel() leaves {task.uncancel()}")
    try:
        await task
    except asyncio.CancelledError:
        print(f"task cancelled: {task.cancelled()}")

    # A timeout scope cancels its own task, then withdraws that request with
    # uncancel() when it turns the CancelledError into TimeoutError.
    me = asyncio.current_task()
    try:
        async with asyncio.timeout(0.5):
            await sleeper()
    except TimeoutError:
        print(f"after the timeout: cancelling() = {me.cancelling()}")


def cancelling_uncancel() -> None:
    asyncio.run(counting_requests())
# [cancelling_uncancel]


# [shield_from_timeout]
async def save(record: str) -> str:
    print(f"save: writing {record}")
    await asyncio.sleep(2)
    print(f"save: {record} written")
    return f"{record} saved"


async def save_with_deadline() -> None:
    start = time.perf_counter()
    task = asyncio.create_task(save("order 42"))
    try:
        # The timeout cancels the shield, not the task behind it.
        async with asyncio.timeout(1.0):
            await asyncio.shield(task)
    except TimeoutError:
        elapsed = time.perf_counter() - start
        print(f"gave up waiting after {elapsed:.1f}s; save still running: {not task.done()}")
    result = await task  # keep a handle, or the outcome is lost
    print(f"{result} after {time.perf_counter() - start:.1f}s")


def shield_from_timeout() -> None:
    asyncio.run(save_with_deadline())
# [shield_from_timeout]


if __name__ == "__main__":
    run_chapter(
        "Chapter 9: Timeouts and cancellation",
        [
            ("wait_for_timeout", wait_for_timeout),
            ("timeout_strategies", timeout_strategies),
            ("timeout_scope", timeout_scope),
            ("swallowed_cancellation", swallowed_cancellation),
            ("cancel_message", cancel_message),
            ("cancelling_uncancel", cancelling_uncancel),
            ("shield_from_timeout", shield_from_timeout),
        ],
    )
