"""Chapter 2: Coroutines and await (the Python twin of coroutines.cpp).

Every section prints the same lines as its C++ counterpart.
"""

import asyncio
import inspect
import time

from aio_twin import run_chapter


# [simple_coroutine]
async def greet(name):
    print(f"Hello {name}")
    await asyncio.sleep(1)  # waits without blocking: the loop is free meanwhile
    print(f"Goodbye {name}")


def simple_coroutine():
    start = time.perf_counter()
    asyncio.run(greet("Alice"))
    print(f"greet took {time.perf_counter() - start:.1f} s")
# [simple_coroutine]


# [async_function_basics]
async def fetch_data(url):
    print(f"Fetching {url}")
    await asyncio.sleep(2)  # stands in for the network round trip
    return {"data": f"Content from {url}"}


async def show_fetch():
    # await hands back what the coroutine returned, here the document.
    result = await fetch_data("http://example.com")
    print(result)


def async_function_basics():
    asyncio.run(show_fetch())
# [async_function_basics]


# [calling_returns_coroutine]
async def my_coroutine():
    print("  (my_coroutine's body runs)")
    return "Hello"


def calling_returns_coroutine():
    # The call creates the coroutine and stops before the first line of its body.
    coro = my_coroutine()
    print(f"called my_coroutine(): state {inspect.getcoroutinestate(coro)}")
    # Something must drive it: asyncio.run from plain code, await inside a coroutine.
    result = asyncio.run(coro)
    print(f"run gave {result!r}: state {inspect.getcoroutinestate(coro)}")
# [calling_returns_coroutine]


# [await_suspends]
async def some_async_operation():
    await asyncio.sleep(0.5)
    return 42


async def fetch_answer(start):
    print(f"{time.perf_counter() - start:.1f} s  fetch_answer: awaiting the operation")
    # Suspends here until the operation has a result; other tasks run meanwhile.
    answer = await some_async_operation()
    print(f"{time.perf_counter() - start:.1f} s  fetch_answer: resumed with {answer}")
    return answer


async def heartbeat(start):
    for beat in range(1, 4):
        print(f"{time.perf_counter() - start:.1f} s  heartbeat {beat}")
        await asyncio.sleep(0.2)


async def run_with_heartbeat():
    start = time.perf_counter()
    beats = asyncio.create_task(heartbeat(start))  # runs whenever we wait
    answer = await fetch_answer(start)
    print(f"{time.perf_counter() - start:.1f} s  got {answer}")
    await beats


def await_suspends():
    asyncio.run(run_with_heartbeat())
# [await_suspends]


# [coroutine_lifecycle]
def regular_function(name):
    print(f"Regular function {name} starting")
    return f"Result from {name}"


async def coroutine_function(name):
    print(f"Coroutine {name} starting")
    await asyncio.sleep(1)  # a suspension point: the loop can run others here
    print(f"Coroutine {name} resuming after 1 second")
    return f"Async result from {name}"


async def demonstrate_lifecycle():
    print("=== Regular function ===")
    result = regular_function("RegularFunc")
    print(f"Result: {result}")

    print("\n=== Coroutine function ===")
    coro = coroutine_function("CoroFunc")
    # type(coro) would name a Python class; the state says what matters, in both languages.
    print(f"Coroutine created, body not started: {inspect.getcoroutinestate(coro)}")
    result = await coro
    print(f"Result: {result}")

    print("\n=== Three coroutines concurrently ===")
    start = time.perf_counter()
    results = await asyncio.gather(
        coroutine_function("Coro1"),
        coroutine_function("Coro2"),
        coroutine_function("Coro3"),
    )
    print(f"All results: {results}")
    print(f"Three 1-second coroutines took {time.perf_counter() - start:.1f} s")


def coroutine_lifecycle():
    asyncio.run(demonstrate_lifecycle())
# [coroutine_lifecycle]


# [coroutine_states]
async def traced_operation(op_id):
    # A task looking at its own coroutine sees it running: it is the one executing.
    own = asyncio.current_task().get_coro()
    print(f"Operation {op_id}: started, own state {inspect.getcoroutinestate(own)}")
    await asyncio.sleep(1)
    print(f"Operation {op_id}: resumed after its sleep")
    return f"Result-{op_id}"


async def trace_states():
    coro = traced_operation("A")
    print(f"created:          {inspect.getcoroutinestate(coro)}")
    # create_task schedules the first step; it does not take it.
    task = asyncio.create_task(coro)
    print(f"scheduled:        {inspect.getcoroutinestate(coro)}")
    await asyncio.sleep(0.5)
    print(f"while it sleeps:  {inspect.getcoroutinestate(coro)}")
    result = await task
    print(f"after it returned {result!r}: {inspect.getcoroutinestate(coro)}")


def coroutine_states():
    asyncio.run(trace_states())
# [coroutine_states]


# [what_await_does]
async def demonstrate_await_behavior():
    print("Point 1: before the first await")
    start = time.perf_counter()
    # While this coroutine is suspended, the loop runs whatever else is due.
    asyncio.get_running_loop().call_later(0.5, print, "  (a timer callback runs meanwhile)")
    await asyncio.sleep(1)
    print(f"Point 2: after the first await ({time.perf_counter() - start:.1f} s elapsed)")
    await asyncio.sleep(0.5)
    print(f"Point 3: after the second await ({time.perf_counter() - start:.1f} s elapsed)")
    return "Demo complete"


def what_await_does():
    print(asyncio.run(demonstrate_await_behavior()))
# [what_await_does]


# [concurrent_awaits]
async def worker(worker_id, seconds):
    print(f"Worker {worker_id}: starting work ({seconds} s)")
    await asyncio.sleep(seconds)
    print(f"Worker {worker_id}: work complete")
    return f"Work result from {worker_id}"


async def run_workers():
    start = time.perf_counter()
    # Each worker suspends at its own await; the waits overlap.
    results = await asyncio.gather(
        worker("Alpha", 2.0),
        worker("Beta", 1.0),
        worker("Gamma", 1.5),
    )
    print(f"All work completed in {time.perf_counter() - start:.1f} s")
    print(f"Results: {results}")


def concurrent_awaits():
    asyncio.run(run_workers())
# [concurrent_awaits]


# [built_in_awaitables]
async def simple_coro():
    await asyncio.sleep(0.1)
    return "Coroutine result"


async def demonstrate_awaitables():
    coro = simple_coro()
    print(f"a coroutine is awaitable: {inspect.isawaitable(coro)}")
    print(f"Coroutine result: {await coro}")

    task = asyncio.create_task(simple_coro())
    print(f"a task is awaitable: {inspect.isawaitable(task)}")
    print(f"Task result: {await task}")

    # A future is a result that something else sets later: here, a timer callback.
    loop = asyncio.get_running_loop()
    future = loop.create_future()
    loop.call_later(0.1, future.set_result, "Future result")
    print(f"a future is awaitable: {inspect.isawaitable(future)}")
    print(f"Future result: {await future}")

    # A plain value is not: `await 42` raises TypeError (C++: does not compile).
    print(f"an int is awaitable: {inspect.isawaitable(42)}")


def built_in_awaitables():
    asyncio.run(demonstrate_awaitables())
# [built_in_awaitables]


# [custom_awaitable]
class CustomAwaitable:
    """await calls __await__, which must return an iterator; a generator that
    delegates to asyncio.sleep's own iterator, then returns a value, is one."""

    def __init__(self, value, delay):
        self.value = value
        self.delay = delay

    def __await__(self):
        yield from asyncio.sleep(self.delay).__await__()
        return f"Custom result: {self.value}"


async def await_custom():
    start = time.perf_counter()
    custom = CustomAwaitable("Hello World", 0.5)
    result = await custom
    print(f"Custom awaitable result: {result}")
    print(f"after {time.perf_counter() - start:.1f} s")


def custom_awaitable():
    asyncio.run(await_custom())
# [custom_awaitable]


# [forgotten_await]
async def forget_and_fix():
    # The mistake: without await the call only creates a coroutine. Nothing is
    # fetched, and Python warns on stderr when the coroutine is dropped
    # ("RuntimeWarning: coroutine 'fetch_data' was never awaited").
    forgotten = fetch_data("http://example.com/a")
    print(f"without await: state {inspect.getcoroutinestate(forgotten)}, nothing fetched")

    # The fix: await it (or schedule it with create_task).
    fetched = await fetch_data("http://example.com/b")
    print(f"with await: {fetched}")


def forgotten_await():
    asyncio.run(forget_and_fix())
# [forgotten_await]


if __name__ == "__main__":
    run_chapter(
        "Chapter 2: Coroutines and await",
        [
            ("simple_coroutine", simple_coroutine),
            ("async_function_basics", async_function_basics),
            ("calling_returns_coroutine", calling_returns_coroutine),
            ("await_suspends", await_suspends),
            ("coroutine_lifecycle", coroutine_lifecycle),
            ("coroutine_states", coroutine_states),
            ("what_await_does", what_await_does),
            ("concurrent_awaits", concurrent_awaits),
            ("built_in_awaitables", built_in_awaitables),
            ("custom_awaitable", custom_awaitable),
            ("forgotten_await", forgotten_await),
        ],
    )
