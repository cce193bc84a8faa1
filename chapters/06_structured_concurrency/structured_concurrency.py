"""Chapter 6: Structured concurrency -- the Python twin of structured_concurrency.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import time

from aio_twin import run_chapter


# [taskgroup_success]
async def square(n: int) -> int:
    await asyncio.sleep(0.1 * n)
    return n * n


async def squares() -> None:
    start = time.perf_counter()
    async with asyncio.TaskGroup() as tg:
        tasks = [tg.create_task(square(n)) for n in range(1, 5)]
        # Nothing has run yet: the children take their first step once the
        # body reaches an await, here the end of the block.
        print(f"created {len(tasks)} tasks, done: {[t.done() for t in tasks]}")
    # Leaving the block waited for every child, so every result is there.
    print(f"results: {[t.result() for t in tasks]}")
    print(f"block left after {time.perf_counter() - start:.1f}s")


def taskgroup_success() -> None:
    asyncio.run(squares())
# [taskgroup_success]


# [taskgroup_failure]
async def process_item(item_id: int) -> str:
    await asyncio.sleep(0.1 * (item_id % 5))
    if item_id == 7:
        raise ValueError(f"Item {item_id} is invalid")
    print(f"  item {item_id} processed")
    return f"item {item_id}"


async def main_taskgroup() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(process_item(i)) for i in range(10)]
        # Only reached when every item succeeded.
        results = [t.result() for t in tasks]
        print(f"All {len(results)} items processed")
    except* ValueError as eg:
        # eg holds only the ValueErrors of the group the TaskGroup raised.
        for exc in eg.exceptions:
            print(f"Failed: {exc}")
    print(f"done after {time.perf_counter() - start:.1f}s")
    # Every task is done now: the group waited for the cancelled ones too.
    print(f"all done: {all(t.done() for t in tasks)}")
    succeeded = [t.result() for t in tasks if not t.cancelled() and t.exception() is None]
    print(f"succeeded: {succeeded}")
    print(f"cancelled: {[t.get_name() for t in tasks if t.cancelled()]}")


def taskgroup_failure() -> None:
    asyncio.run(main_taskgroup())
# [taskgroup_failure]


# [except_star]
class QuotaError(Exception):
    """An error no handler below knows about."""


async def lookup(user: str, delay: float) -> str:
    await asyncio.sleep(delay)
    if user == "":
        raise ValueError("empty user name")
    if user == "mallory":
        raise KeyError("mallory")
    if user == "eve":
        raise QuotaError("quota exceeded for eve")
    return user.upper()


async def lookup_all() -> None:
    # The failures happen at the same time, so no sibling is cancelled
    # before it fails: the group holds all three errors.
    async with asyncio.TaskGroup() as tg:
        tg.create_task(lookup("alice", 0.1))
        tg.create_task(lookup("", 0.2))
        tg.create_task(lookup("mallory", 0.2))
        tg.create_task(lookup("eve", 0.2))


async def handle_some() -> None:
    try:
        await lookup_all()
    except* ValueError as eg:
        # One clause runs once, with every ValueError in a group of its own.
        print(f"bad values: {eg}")
        for exc in eg.exceptions:
            print(f"  {exc}")
    except* KeyError as eg:
        for exc in eg.exceptions:
            print(f"  unknown user: {exc.args[0]}")
    # The QuotaError matched no clause: it is raised again, still in a group.


async def split_errors() -> None:
    try:
        await handle_some()
    except ExceptionGroup as eg:
        print(f"re-raised: {eg}")
        for exc in eg.exceptions:
            print(f"  still unhandled: {exc}")


def except_star() -> None:
    asyncio.run(split_errors())
# [except_star]


# [sibling_cancellation]
async def worker(name: str, cleanup: float) -> None:
    start = time.perf_counter()
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        cancelled_at = time.perf_counter() - start
        # Cleanup may await; the group waits for it.
        await asyncio.sleep(cleanup)
        # One line, printed when the cleanup ends: the order in which the
        # siblings are cancelled is not something to rely on.
        cleaned_at = time.perf_counter() - start
        print(f"{name}: cancelled at {cancelled_at:.1f}s, cleaned up at {cleaned_at:.1f}s")
        raise


async def failing(delay: float) -> None:
    await asyncio.sleep(delay)
    print("failing: raising")
    raise ValueError("disk full")


async def cancel_siblings() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("writer", 0.3))
            tg.create_task(worker("reader", 0.1))
            tg.create_task(failing(0.5))
    except* ValueError as eg:
        print(f"group raised at {time.perf_counter() - start:.1f}s: {eg.exceptions[0]}")


def sibling_cancellation() -> None:
    asyncio.run(cancel_siblings())
# [sibling_cancellation]


# [body_raises]
async def flusher() -> None:
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError:
        # An error in cleanup is a real error, not a cancellation.
        raise RuntimeError("flush failed during cleanup")


async def body_fails() -> None:
    start = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(worker("poller", 0.2))
            tg.create_task(flusher())
            await asyncio.sleep(0.5)
            print("body: raising")
            raise ValueError("body gave up")
    except ExceptionGroup as eg:
        print(f"after {time.perf_counter() - start:.1f}s: {eg}")
        # The body failed first, but its error comes last.
        for exc in eg.exceptions:
            print(f"  {exc}")


def body_raises() -> None:
    asyncio.run(body_fails())
# [body_raises]


# [gather_vs_taskgroup]
async def step(name: str, delay: float) -> str:
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        print(f"  {name} cancelled")
        raise
    if name == "bad":
        raise ValueError(f"{name} failed")
    print(f"  {name} finished")
    return name


async def compare() -> None:
    start = time.perf_counter()
    print("gather:")
    try:
        await asyncio.gather(step("bad", 0.1), step("slow", 0.5))
    except ValueError as exc:
        print(f"  caught {exc} at {time.perf_counter() - start:.1f}s")
    # gather raised, yet its other child is still running.
    await asyncio.sleep(1)

    start = time.perf_counter()
    print("TaskGroup:")
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(step("bad", 0.1))
            tg.create_task(step("slow", 0.5))
    except* ValueError as eg:
        print(f"  caught {eg.exceptions[0]} at {time.perf_counter() - start:.1f}s")
    await asyncio.sleep(1)
    print("nothing left running")


def gather_vs_taskgroup() -> None:
    asyncio.run(compare())
# [gather_vs_taskgroup]


if __name__ == "__main__":
    run_chapter(
        "Chapter 6: Structured concurrency",
        [
            ("taskgroup_success", taskgroup_success),
            ("taskgroup_failure", taskgroup_failure),
            ("except_star", except_star),
            ("sibling_cancellation", sibling_cancellation),
            ("body_raises", body_raises),
            ("gather_vs_taskgroup", gather_vs_taskgroup),
        ],
    )
