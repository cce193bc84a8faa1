"""Chapter 3: The event loop (the Python twin of event_loop.cpp).

First a loop at work (a restaurant), then a miniature loop built by hand in
four steps (callbacks, timers, futures, tasks), then asyncio's own loop doing
the same things, driven by hand and traced.
"""

import asyncio
import heapq
from collections import deque

from aio_twin import run_chapter


# [restaurant]
async def serve_customer(customer: int, service_time: float) -> str:
    print(f"Customer {customer}: order taken")
    # The kitchen is busy; the loop serves the other customers meanwhile.
    await asyncio.sleep(service_time)
    print(f"Customer {customer}: order ready ({service_time:.1f} s)")
    return f"Meal for customer {customer}"


async def restaurant_main() -> None:
    loop = asyncio.get_running_loop()
    opened = loop.time()
    print("Restaurant opens: four customers arrive")
    customers = [
        serve_customer(1, 3.0),  # slow order
        serve_customer(2, 1.0),  # fast order
        serve_customer(3, 2.0),  # medium order
        serve_customer(4, 1.5),  # medium-fast order
    ]
    meals = await asyncio.gather(*customers)
    # The orders add up to 7.5 s; served together they take as long as the slowest.
    print(f"All customers served in {loop.time() - opened:.1f} s")
    # Faster orders finished first, but gather returns results in argument order.
    print(f"Meals: {meals}")


def restaurant():
    asyncio.run(restaurant_main())
# [restaurant]


# [mini_callbacks]
# Step 1: a loop of callbacks. A FIFO ready queue, and a run() that empties it.
class CallbackLoop:
    def __init__(self):
        self.ready = deque()  # (callback, args), first in, first out

    def call_soon(self, callback, *args):
        self.ready.append((callback, args))

    def run(self):
        while self.ready:
            self.run_once()

    def run_once(self):
        # One iteration runs what was ready when it began; callbacks queued
        # meanwhile wait for the next one, behind everything already queued.
        for _ in range(len(self.ready)):
            callback, args = self.ready.popleft()
            callback(*args)


def mini_callbacks():
    loop = CallbackLoop()

    def greet(name):
        print(f"hello from {name}")

    def countdown(n):
        print(f"countdown {n}")
        if n > 1:
            loop.call_soon(countdown, n - 1)  # goes to the back of the queue

    loop.call_soon(greet, "A")
    loop.call_soon(countdown, 3)
    loop.call_soon(greet, "B")
    print("3 callbacks queued; nothing has run yet")
    loop.run()
    print("the ready queue is empty: run() returns")
# [mini_callbacks]


# [mini_timers]
# Step 2: timers. A heap ordered by (deadline, sequence): the earliest deadline
# first, and equal deadlines in the order they were scheduled. The clock is
# ours: when nothing is ready it jumps to the next deadline instead of waiting.
class MiniLoop(CallbackLoop):
    def __init__(self):
        super().__init__()
        self.timers = []  # heap of (deadline, sequence, callback, args)
        self.sequence = 0
        self.now = 0.0

    def time(self):
        return self.now

    def call_later(self, delay, callback, *args):
        self.sequence += 1
        heapq.heappush(self.timers, (self.now + delay, self.sequence, callback, args))

    def run(self):
        while self.ready or self.timers:
            if not self.ready:
                self.now = self.timers[0][0]  # nothing to do until then: jump
            # Due timers join the back of the ready queue, in deadline order.
            while self.timers and self.timers[0][0] <= self.now:
                _, _, callback, args = heapq.heappop(self.timers)
                self.call_soon(callback, *args)
            self.run_once()


def mini_timers():
    loop = MiniLoop()

    def say(text):
        print(f"t={loop.time():.1f} {text}")

    loop.call_later(2.0, say, "timer due at 2.0")
    loop.call_later(1.0, say, "timer due at 1.0, scheduled first")
    loop.call_later(1.0, say, "timer due at 1.0, scheduled second")
    loop.call_later(0.0, say, "timer due at 0.0: joins the queue behind call_soon")
    loop.call_soon(say, "call_soon")
    loop.run()
    print(f"run() returns at t={loop.time():.1f}, without waiting for real")
# [mini_timers]


# [mini_futures]
# Step 3: futures. A result that is set later, and callbacks that the loop
# runs once it is set: never inline, always scheduled, in the order added.
class MiniFuture:
    def __init__(self, loop):
        self.loop = loop
        self.callbacks = []
        self.finished = False
        self.value = None

    def done(self):
        return self.finished

    def result(self):
        return self.value

    def add_done_callback(self, callback):
        if self.finished:
            self.loop.call_soon(callback)  # too late to wait: schedule it now
        else:
            self.callbacks.append(callback)

    def set_result(self, value):
        self.value, self.finished = value, True
        for callback in self.callbacks:
            self.loop.call_soon(callback)
        self.callbacks.clear()


def mini_futures():
    loop = MiniLoop()
    future = MiniFuture(loop)

    def say(text):
        print(f"t={loop.time():.1f} {text}")

    def first():
        say(f"callback 1: the result is {future.result()!r}")
        future.add_done_callback(lambda: say("callback 3: added after the result was set"))

    def cook():
        say("cook: set_result('soup')")
        future.set_result("soup")
        say("cook: set_result returned; the callbacks are queued, not run")

    future.add_done_callback(first)
    future.add_done_callback(lambda: say("callback 2"))
    loop.call_later(1.0, cook)
    say(f"future done? {future.done()}")
    loop.run()
    say(f"future done? {future.done()}")
# [mini_futures]


# [mini_tasks]
# Step 4: tasks. A task drives a coroutine (here a generator that yields the
# future it waits for). Each step resumes the coroutine until it yields a
# future; that future's done callback schedules the next step. A task is a
# future too: it completes with what its coroutine returns. Nothing polls
# the waiting tasks: a waiting task is only a callback on the future it awaits.
class MiniTask(MiniFuture):
    def __init__(self, loop, coroutine):
        super().__init__(loop)
        self.coroutine = coroutine
        loop.call_soon(self.step)  # the first step runs later, never in here

    def step(self, value=None):
        try:
            future = self.coroutine.send(value)  # runs until the next yield
        except StopIteration as finished:
            self.set_result(finished.value)  # the coroutine returned
            return
        future.add_done_callback(lambda: self.step(future.result()))


def mini_sleep(loop, delay):
    future = MiniFuture(loop)
    loop.call_later(delay, future.set_result, None)
    return future


def mini_customer(loop, customer, service_time):
    print(f"t={loop.time():.1f} customer {customer}: order taken")
    yield mini_sleep(loop, service_time)
    print(f"t={loop.time():.1f} customer {customer}: order ready")
    return f"meal {customer}"


def mini_restaurant(loop):
    tasks = [
        MiniTask(loop, mini_customer(loop, 1, 3.0)),
        MiniTask(loop, mini_customer(loop, 2, 1.0)),
        MiniTask(loop, mini_customer(loop, 3, 2.0)),
        MiniTask(loop, mini_customer(loop, 4, 1.5)),
    ]
    meals = []
    for task in tasks:
        meal = yield task  # a task is a future: wait for it like any other
        meals.append(meal)
    print(f"t={loop.time():.1f} served: {', '.join(meals)}")
    return "closed"


def mini_tasks():
    loop = MiniLoop()
    main = MiniTask(loop, mini_restaurant(loop))
    loop.run()
    print(f"main task result: {main.result()!r}")
# [mini_tasks]


# [real_loop]
async def real_loop_main() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()

    def say(text):
        print(f"t={loop.time() - start:.1f} {text}")

    # 1. Callbacks: run in the order they were queued.
    loop.call_soon(say, "callback A")
    loop.call_soon(say, "callback B")
    # 2. Timers: by deadline, whatever order they were scheduled in.
    loop.call_later(2.0, say, "timer due at 2.0")
    loop.call_later(1.0, say, "timer due at 1.0")
    # 3. A future, and a done callback that the loop schedules when it is set.
    future = loop.create_future()
    future.add_done_callback(lambda f: say(f"done callback: {f.result()!r}"))
    loop.call_later(1.5, future.set_result, "soup")
    # 4. This task: awaiting the future suspends it, and the future's done
    #    callback (added by the await, after ours) schedules its next step.
    say("main task awaits the future")
    result = await future
    say(f"main task resumed with {result!r}")
    await asyncio.sleep(1.0)
    say("main task returns")


def real_loop():
    asyncio.run(real_loop_main())
# [real_loop]


# [manual_loop]
async def coro() -> str:
    print("Coroutine execution")
    await asyncio.sleep(0.1)
    return "Done"


def manual_loop():
    # The usual way: asyncio.run creates a loop, runs the coroutine to the
    # end, cancels any tasks left over, and closes the loop.
    print(f"run: {asyncio.run(coro())!r}")

    # By hand. (Old code calls asyncio.get_event_loop() here; outside a
    # running loop that is deprecated: create the loop you mean to use.)
    loop = asyncio.new_event_loop()
    try:
        result = loop.run_until_complete(coro())
        print(f"run_until_complete: {result!r}")
        # The loop keeps its state between runs, so it can run again.
        result = loop.run_until_complete(coro())
        print(f"run_until_complete again: {result!r}")
    finally:
        loop.close()
    print(f"loop closed: {loop.is_closed()}")
# [manual_loop]


# [call_soon_call_later]
async def scheduling_main() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()

    def report(text):
        print(f"{loop.time() - start:.2f} s: {text}")

    loop.call_soon(report, "Scheduled immediately")
    loop.call_later(0.5, report, "Scheduled in 0.5s")
    cancelled = loop.call_later(0.7, report, "never printed: cancelled")
    cancelled.cancel()
    loop.call_at(start + 0.8, report, "Scheduled at start + 0.8 (call_at)")
    report("main awaits sleep(1)")  # before all of them: main still holds the loop
    await asyncio.sleep(1)
    report("main resumes")


def call_soon_call_later():
    asyncio.run(scheduling_main())
# [call_soon_call_later]


# [minimal_example]
async def say_after(delay: float, message: str) -> None:
    await asyncio.sleep(delay)
    print(message)


async def sequential() -> None:
    loop = asyncio.get_running_loop()
    # loop.time() is a monotonic clock with an arbitrary zero, not the time
    # since the program started: print the time elapsed since `start`.
    start = loop.time()
    print(f"Started at {loop.time() - start:.2f}")
    await say_after(1, "Hello")  # one after the other: 1 s + 2 s
    await say_after(2, "World")
    print(f"Finished at {loop.time() - start:.2f}")


async def concurrent() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    print(f"Started at {loop.time() - start:.2f}")
    await asyncio.gather(say_after(1, "Hello"), say_after(2, "World"))  # together: 2 s
    print(f"Finished at {loop.time() - start:.2f}")


def minimal_example():
    print("Sequential:")
    asyncio.run(sequential())
    print("Concurrent:")
    asyncio.run(concurrent())
# [minimal_example]


# [how_it_works]
async def worker(name: str, pauses: list[float], start: float) -> None:
    loop = asyncio.get_running_loop()
    # 1-2. The loop picked this task; it runs until its first await.
    print(f"{loop.time() - start:.1f} {name} starts")
    for pause in pauses:
        # 3. Suspended: control goes back to the loop, which (4) picks the next
        #    ready callback. (5) When the timer fires, this task is ready again.
        print(f"{loop.time() - start:.1f} {name} suspends at sleep({pause})")
        await asyncio.sleep(pause)
        print(f"{loop.time() - start:.1f} {name} resumes")
    print(f"{loop.time() - start:.1f} {name} finishes")


async def trace_main() -> None:
    loop = asyncio.get_running_loop()
    start = loop.time()
    a = asyncio.create_task(worker("A", [0.3, 0.0], start))
    b = asyncio.create_task(worker("B", [0.1, 0.1], start))
    loop.call_soon(print, "    a callback queued after A and B: runs after their first steps")
    print("main creates A and B, then awaits A")
    await a
    print("main resumes, then awaits B (already done: no suspension)")
    await b
    print("main finishes")


def how_it_works():
    asyncio.run(trace_main())
# [how_it_works]


# [call_later_zero]
async def call_later_zero_main() -> None:
    loop = asyncio.get_running_loop()

    def first():
        print("call_soon 1, queues call_soon 3")
        loop.call_soon(print, "call_soon 3")

    loop.call_later(0, print, "call_later(0), scheduled before the others")
    loop.call_soon(first)
    loop.call_soon(print, "call_soon 2")
    # Next iteration: the due timer joins the ready queue behind call_soon 1
    # and 2; call_soon 3, queued during that iteration, waits for the one after.
    await asyncio.sleep(0.1)


def call_later_zero():
    asyncio.run(call_later_zero_main())
# [call_later_zero]


# [timer_before_task]
async def sleeper() -> None:
    await asyncio.sleep(1.0)
    print("task that slept until t=1.0 resumes")


async def timer_before_task_main() -> None:
    loop = asyncio.get_running_loop()
    task = asyncio.create_task(sleeper())
    await asyncio.sleep(0)  # the task's first step: it now sleeps until t=1.0
    loop.call_later(1.0, print, "callback due at t=1.0")
    # Both timers are due at t=1.0, the task's first. But its timer only
    # completes the future the task awaits; the task's next step is queued
    # then, and runs one iteration later, after the plain callback.
    await task


def timer_before_task():
    asyncio.run(timer_before_task_main())
# [timer_before_task]


run_chapter(
    "Chapter 3: The event loop",
    [
        ("restaurant", restaurant),
        ("mini_callbacks", mini_callbacks),
        ("mini_timers", mini_timers),
        ("mini_futures", mini_futures),
        ("mini_tasks", mini_tasks),
        ("real_loop", real_loop),
        ("manual_loop", manual_loop),
        ("call_soon_call_later", call_soon_call_later),
        ("minimal_example", minimal_example),
        ("how_it_works", how_it_works),
        ("call_later_zero", call_later_zero),
        ("timer_before_task", timer_before_task),
    ],
)
