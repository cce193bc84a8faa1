"""Chapter 1: Why async: the waiting problem (the Python twin of why_async.cpp).

Most of what a networked program does is wait. This chapter shows the waste of
waiting one request at a time, the two classic ways to overlap the waits (OS
threads, and tasks on one event loop), and what each way costs, measured here.

The "network" is simulated: time.sleep is a blocking wait, asyncio.sleep a
non-blocking one. Every section prints the same lines as its C++ counterpart.
"""

import asyncio
import os
import resource
import threading
import time
import tracemalloc
from typing import NamedTuple

from aio_twin import run_chapter, use_clock, virtual_clock_enabled


def since(start):
    """Seconds since `start` on the program's clock (the loop's clock)."""
    return time.perf_counter() - start


DOWNLOADS = [
    ("index.html", 1.0),  # (file, how long the simulated server takes)
    ("logo.png", 0.6),
    ("data.json", 0.8),
]


# [blocking_downloads]
# A blocking call stops the whole thread until the answer arrives. While it
# waits, this program can do nothing else, not even start the next download.
def download_blocking(file, seconds):
    time.sleep(seconds)  # the thread sits idle here
    return file


def blocking_downloads():
    start = time.perf_counter()
    for file, seconds in DOWNLOADS:
        print(f"{since(start):5.2f} s  {file} requested")
        file = download_blocking(file, seconds)
        print(f"{since(start):5.2f} s  {file} done")
    # The waits add up: 1.0 + 0.6 + 0.8 seconds, although the three servers could
    # all have been working at the same time.
    print(f"total {since(start):.2f} s: the sum of the waits")
# [blocking_downloads]


# [concurrent_downloads]
# The same download as a coroutine. `await asyncio.sleep(...)` suspends only
# this coroutine; the thread goes back to the event loop, which runs the others.
async def download_async(file, seconds, start):
    print(f"{since(start):5.2f} s  {file} requested")
    await asyncio.sleep(seconds)  # waits without blocking anyone
    print(f"{since(start):5.2f} s  {file} done")
    return file


async def download_all():
    start = time.perf_counter()
    # gather starts all three, then waits until every one has finished.
    results = await asyncio.gather(
        *(download_async(file, seconds, start) for file, seconds in DOWNLOADS)
    )
    # No download got any faster; they just waited at the same time. The total
    # is the longest wait, and the results come back in the order asked for.
    print(f"total {since(start):.2f} s: the longest wait")
    print(f"results: {results}")


def concurrent_downloads():
    asyncio.run(download_all())
# [concurrent_downloads]


# [receptionist]
# One receptionist, many phone calls. A question that needs checking does not
# keep the receptionist on the line: the caller is put on hold, the next call
# is answered, and whoever's answer is ready first is picked up again. asyncio
# works the same way: one thread (the receptionist), many tasks (the calls),
# and every `await` is a "please hold".
class Call(NamedTuple):
    caller: str
    rings_at: float  # seconds after opening
    question: str
    checking: float  # how long the answer takes to find out: the hold
    answer: str


CALLS = [
    Call("Ana", 0.0, "Has my parcel left?", 0.8, "Yes, this morning."),
    Call("Ben", 0.1, "Can I move my appointment?", 0.3, "Thursday at ten is free."),
    Call("Chen", 0.2, "Do you have it in blue?", 0.5, "Two left in stock."),
]


async def take_call(call, start, receptionists):
    await asyncio.sleep(call.rings_at)  # the phone has not rung yet
    receptionists.add(threading.get_ident())
    print(f'{since(start):.2f} s  {call.caller} asks "{call.question}" -> on hold')
    await asyncio.sleep(call.checking)  # on hold: the receptionist is free meanwhile
    receptionists.add(threading.get_ident())
    print(f'{since(start):.2f} s  back to {call.caller}: "{call.answer}"')


async def front_desk():
    start = time.perf_counter()
    receptionists = set()  # the threads that did the talking
    await asyncio.gather(*(take_call(call, start, receptionists) for call in CALLS))
    hold_time = sum(call.checking for call in CALLS)
    print(f"{len(CALLS)} calls answered by {len(receptionists)} receptionist (thread)"
          f" in {since(start):.2f} s")
    print(f"one call at a time, the holds alone would take {hold_time:.2f} s")


def receptionist():
    asyncio.run(front_desk())
# [receptionist]


# [hello_world]
# The smallest complete asyncio program: a coroutine, and asyncio.run to start
# an event loop, run the coroutine on it until it finishes, and close the loop.
async def hello():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


def hello_world():
    asyncio.run(hello())
# [hello_world]


# [concurrency_models]
# One job, five waits of 0.2 s, done three ways. Each way records which OS
# threads did the waiting: that count is what the model costs in threads.
WAITS = 5
WAIT_SECONDS = 0.2


class ThreadLog:
    def __init__(self):
        self._lock = threading.Lock()  # threads may record at the same moment
        self._ids = set()

    def record(self):
        with self._lock:
            self._ids.add(threading.get_ident())

    def count(self):
        return len(self._ids)


# 1. One thread, one wait after another.
def one_after_another(log):
    start = time.perf_counter()
    for _ in range(WAITS):
        log.record()
        time.sleep(WAIT_SECONDS)
    return since(start)


# 2. One OS thread per wait: the operating system switches between them.
# (The twin's virtual clock overlaps the threads' sleeps as real time would;
# the C++ runtime's virtual clock cannot, so there the threads sleep for real.)
def one_thread_per_wait(log):
    def wait_once():
        log.record()
        time.sleep(WAIT_SECONDS)

    start = time.perf_counter()
    threads = [threading.Thread(target=wait_once) for _ in range(WAITS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return since(start)


# 3. One thread, one task per wait: the event loop switches between them.
async def wait_once(log):
    log.record()
    await asyncio.sleep(WAIT_SECONDS)


async def one_task_per_wait(log):
    start = time.perf_counter()
    await asyncio.gather(*(wait_once(log) for _ in range(WAITS)))
    return since(start)


def concurrency_models():
    print(f"{WAITS} waits of {WAIT_SECONDS:.2f} s each")

    sequential = ThreadLog()
    sequential_time = one_after_another(sequential)
    print(f"  one after another:    {sequential_time:.2f} s, OS threads: {sequential.count()}")

    threaded = ThreadLog()
    threaded_time = one_thread_per_wait(threaded)
    print(f"  one thread per wait:  {threaded_time:.2f} s, OS threads: {threaded.count()}")

    tasks = ThreadLog()
    task_time = asyncio.run(one_task_per_wait(tasks))
    print(f"  one task per wait:    {task_time:.2f} s, OS threads: {tasks.count()}")
    # Threads and tasks both overlap the waits; only tasks do it on one thread.
    # A third model, one process per job (multiprocessing), is for work that
    # keeps a CPU busy rather than waiting; chapter 12 comes back to it.
# [concurrency_models]


# [when_to_use]
# asyncio pays off when a program has many waits in flight at once: requests
# to other services, database queries, open connections to clients. Here every
# request waits 0.2 s; however many there are, they all wait together.
REQUEST_SECONDS = 0.2


async def request():
    await asyncio.sleep(REQUEST_SECONDS)


async def serve(count):
    start = time.perf_counter()
    await asyncio.gather(*(request() for _ in range(count)))
    return since(start)


def when_to_use():
    print("requests   concurrent   one at a time")
    for count in (1, 10, 100, 1000, 10000):
        elapsed = asyncio.run(serve(count))
        # The sequential time is computed, not run: it is count waits in a row.
        print(f"{count:8}   {elapsed:8.2f} s   {count * REQUEST_SECONDS:11.2f} s")
    # With one request there is nothing to overlap, so nothing to gain. Work that
    # computes instead of waiting gains nothing either: one thread still does it
    # one piece at a time (chapter 12 shows what to do with such work).
# [when_to_use]


# [asyncio_vs_threading]
# The same fetch written twice. With threads, each fetch blocks its own OS
# thread; with asyncio, each fetch is a task that suspends at await.
FETCH_SECONDS = 0.2


# Threads: the blocking version.
def fetch_blocking(url):
    time.sleep(FETCH_SECONDS)
    return f"Result from {url}"


def fetch_with_threads(urls):
    results = [None] * len(urls)

    def fetch_into(i):
        # Each thread writes only its own slot, so no lock is needed. Any state
        # the threads did share would need one: they may be switched at any moment.
        results[i] = fetch_blocking(urls[i])

    threads = [threading.Thread(target=fetch_into, args=(i,)) for i in range(len(urls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


# asyncio: the coroutine version.
async def fetch(url):
    await asyncio.sleep(FETCH_SECONDS)
    return f"Result from {url}"


async def fetch_with_tasks(urls):
    # Tasks switch only at await, so code between two awaits runs undisturbed:
    # shared state needs no lock unless it is kept across an await.
    return await asyncio.gather(*(fetch(url) for url in urls))


def asyncio_vs_threading():
    urls = [f"https://example.com/{i}" for i in range(1, 5)]

    by_threads = fetch_with_threads(urls)
    print(f"threads: {by_threads}")
    by_tasks = asyncio.run(fetch_with_tasks(urls))
    print(f"tasks:   {by_tasks}")
    print(f"same results: {by_threads == by_tasks}")
    # Same results, and both overlap the waits. What differs is the price: an OS
    # thread per fetch, against a small object per fetch on one thread. The next
    # section measures that price.
# [asyncio_vs_threading]


# [measured_costs]
# What a thread and a task cost, measured here rather than quoted. These are
# costs of this machine, so this section runs on the real clock (see
# on_the_real_clock below), and perf_counter_ns reads real time.

# Memory: a thread reserves its whole stack up front, as address space; only
# the pages it touches become memory. (The kernel's own per-thread bookkeeping
# is not in the process's memory.)
def default_stack_bytes():
    # 0 means the platform's default, which glibc takes from `ulimit -s`.
    return threading.stack_size() or resource.getrlimit(resource.RLIMIT_STACK)[0]


def resident_bytes():
    with open("/proc/self/statm") as statm:  # sizes in pages: total, resident, ...
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGESIZE")


def resident_bytes_per_thread(count):
    started = threading.Barrier(count + 1)
    finish = threading.Event()

    def park():
        started.wait()
        finish.wait()  # parked: alive, doing nothing

    threads = [threading.Thread(target=park) for _ in range(count)]
    before = resident_bytes()
    for thread in threads:
        thread.start()
    started.wait()
    after = resident_bytes()
    finish.set()
    for thread in threads:
        thread.join()
    return (after - before) / count


# A task's memory: the Task, its coroutine and frame, the future and timer
# handle of its sleep; tracemalloc counts every Python allocation.
async def sleeper():
    await asyncio.sleep(0.1)


async def bytes_per_sleeping_task(count):
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(sleeper()) for _ in range(count)]
    await asyncio.sleep(0)  # every task takes its first step and falls asleep
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    await asyncio.gather(*tasks)
    return (after - before) / count


# Creation: start each one, let it run its (empty) body, wait for it to end.
def nanoseconds_per_thread(count):
    start = time.perf_counter_ns()
    threads = [threading.Thread(target=lambda: None) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.perf_counter_ns() - start) / count


async def nothing():
    pass


async def nanoseconds_per_task(count):
    start = time.perf_counter_ns()
    tasks = [asyncio.create_task(nothing()) for _ in range(count)]
    for task in tasks:
        await task
    return (time.perf_counter_ns() - start) / count


# Switching: two threads hand a turn back and forth; two tasks do the same
# with sleep(0), which suspends and lets the loop run the other one.
def nanoseconds_per_thread_handoff(round_trips):
    ping = threading.Semaphore(0)
    pong = threading.Semaphore(0)

    def partner():
        for _ in range(round_trips):
            ping.acquire()
            pong.release()

    thread = threading.Thread(target=partner)
    thread.start()
    start = time.perf_counter_ns()
    for _ in range(round_trips):
        ping.release()
        pong.acquire()
    elapsed = time.perf_counter_ns() - start
    thread.join()
    return elapsed / (2 * round_trips)


async def yield_many(times):
    for _ in range(times):
        await asyncio.sleep(0)


async def nanoseconds_per_task_switch(round_trips):
    start = time.perf_counter_ns()
    await asyncio.gather(yield_many(round_trips), yield_many(round_trips))
    return (time.perf_counter_ns() - start) / (2 * round_trips)


def measured_costs():
    threads = 100
    tasks = 10000
    round_trips = 2000

    thread_memory = resident_bytes_per_thread(threads)
    task_memory = asyncio.run(bytes_per_sleeping_task(tasks))
    print("memory")
    stack_kib = default_stack_bytes() / 1024
    print(f"  stack reserved per thread:  {stack_kib:.0f} KiB of address space")
    print(f"  resident per thread:        {thread_memory / 1024:.1f} KiB"
          f" ({threads} parked threads)")
    print(f"  per sleeping task:          {task_memory:.0f} bytes ({tasks} tasks)")

    thread_start = nanoseconds_per_thread(threads)
    task_start = asyncio.run(nanoseconds_per_task(tasks))
    print("creation, start to finish")
    print(f"  per thread:                 {thread_start:.0f} ns")
    print(f"  per task:                   {task_start:.0f} ns")

    handoff = nanoseconds_per_thread_handoff(round_trips)
    task_switch = asyncio.run(nanoseconds_per_task_switch(round_trips))
    print("switching")
    print(f"  thread handoff:             {handoff:.0f} ns"
          f" ({1e9 / handoff:.0f} per second)")
    print(f"  task switch (sleep(0)):     {task_switch:.0f} ns"
          f" ({1e9 / task_switch:.0f} per second)")

    print("a thread costs, in tasks")
    print(f"  memory:                     {thread_memory / task_memory:.0f}")
    print(f"  creation:                   {thread_start / task_start:.0f}")
    print(f"  switching:                  {handoff / task_switch:.0f}")
# [measured_costs]


def on_the_real_clock(section):
    """Runs `section` with the twin's virtual clock switched off.

    The virtual clock stands in for time.sleep, thread joins and condition
    waits; a measurement of what threads really cost must not go through it.
    (The C++ program measures with std::chrono::steady_clock and std::thread,
    which the virtual clock never touches.)
    """

    def run():
        virtual = virtual_clock_enabled()
        use_clock(virtual=False)
        try:
            section()
        finally:
            use_clock(virtual=virtual)

    return run


run_chapter("Chapter 1: Why async: the waiting problem", [
    ("blocking_downloads", blocking_downloads),
    ("concurrent_downloads", concurrent_downloads),
    ("receptionist", receptionist),
    ("hello_world", hello_world),
    ("concurrency_models", concurrency_models),
    ("when_to_use", when_to_use),
    ("asyncio_vs_threading", asyncio_vs_threading),
    ("measured_costs", on_the_real_clock(measured_costs)),
])
