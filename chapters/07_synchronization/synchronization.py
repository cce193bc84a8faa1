"""Chapter 7: Synchronization primitives -- the Python twin of synchronization.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import random
import time

from aio_twin import run_chapter


def since(start: float) -> float:
    return time.perf_counter() - start


# [lock_counter]
class Counter:
    def __init__(self) -> None:
        self.value = 0


async def increment(counter: Counter, lock: asyncio.Lock) -> None:
    async with lock:
        # Read, wait, write back: the lock keeps every other increment out
        # of the gap, so none of them reads the same old value.
        current = counter.value
        await asyncio.sleep(0.001)
        counter.value = current + 1


async def count_to_ten() -> None:
    counter = Counter()
    lock = asyncio.Lock()
    start = time.perf_counter()
    await asyncio.gather(*(increment(counter, lock) for _ in range(10)))
    print(f"Counter: {counter.value}")
    # The price: the ten waits ran one after another, not at once.
    print(f"10 increments took {since(start):.3f}s")


def lock_counter() -> None:
    asyncio.run(count_to_ten())
# [lock_counter]


# [lost_update]
class SharedCounter:
    def __init__(self) -> None:
        self.value = 0
        self.lock = asyncio.Lock()
        self.log: list[str] = []

    async def _read_wait_write(self, worker: str) -> None:
        old_value = self.value
        # While this task waits, every other worker runs and reads the same
        # old value: the await is where the race happens.
        await asyncio.sleep(0.01)
        self.value = old_value + 1
        self.log.append(f"{worker}: {old_value} -> {self.value}")

    async def unsafe_increment(self, worker: str) -> None:
        await self._read_wait_write(worker)

    async def safe_increment(self, worker: str) -> None:
        async with self.lock:  # one worker at a time in the read-wait-write
            await self._read_wait_write(worker)


async def ten_workers(use_lock: bool) -> None:
    counter = SharedCounter()
    increment = counter.safe_increment if use_lock else counter.unsafe_increment
    prefix = "S" if use_lock else "U"
    start = time.perf_counter()
    await asyncio.gather(*(increment(f"{prefix}{i}") for i in range(10)))
    label = "With the lock:   " if use_lock else "Without the lock:"
    print(f"{label} 10 increments -> {counter.value} "
          f"({10 - counter.value} lost) in {since(start):.2f}s")
    print("  last three writes:")
    for entry in counter.log[-3:]:
        print(f"    {entry}")


def lost_update() -> None:
    asyncio.run(ten_workers(use_lock=False))
    asyncio.run(ten_workers(use_lock=True))
# [lost_update]


# [lock_fairness]
async def regular(name: str, lock: asyncio.Lock, turns: list[str]) -> None:
    for _ in range(3):
        async with lock:
            turns.append(name)
            await asyncio.sleep(0.1)
        # Straight back to acquire(): the lock is free for an instant, but
        # the others are already waiting, so this task queues behind them.


async def take_turns() -> None:
    lock = asyncio.Lock()
    turns: list[str] = []
    await asyncio.gather(regular("A", lock, turns), regular("B", lock, turns),
                         regular("C", lock, turns))
    print(f"Turns: {turns}")


def lock_fairness() -> None:
    asyncio.run(take_turns())
# [lock_fairness]


# [event_signal]
async def waiter(name: str, event: asyncio.Event, start: float) -> None:
    print(f"[{since(start):.1f}s] {name}: waiting for the event")
    await event.wait()
    print(f"[{since(start):.1f}s] {name}: event received")


async def notifier(event: asyncio.Event, start: float) -> None:
    await asyncio.sleep(1)
    print(f"[{since(start):.1f}s] notifier: setting the event")
    event.set()  # wakes every waiter at once


async def signal_waiters() -> None:
    start = time.perf_counter()
    event = asyncio.Event()
    await asyncio.gather(waiter("waiter 1", event, start), waiter("waiter 2", event, start),
                         notifier(event, start))
    # An event is a flag, not a pulse: it stays set, so a late waiter
    # passes at once, until someone clears it.
    await waiter("late waiter", event, start)
    event.clear()
    print(f"after clear(): is_set() = {event.is_set()}")


def event_signal() -> None:
    asyncio.run(signal_waiters())
# [event_signal]


# [event_pipeline]
class Pipeline:
    """A producer and processors that coordinate with three events."""

    def __init__(self, item_count: int) -> None:
        self.item_count = item_count
        self.start_signal = asyncio.Event()
        self.data_ready = asyncio.Event()
        self.all_processed = asyncio.Event()
        self.items: list[str] = []
        self.processed: list[str] = []
        self.start = time.perf_counter()

    def say(self, text: str) -> None:
        print(f"[{since(self.start):.2f}s] {text}")

    async def producer(self) -> None:
        self.say("Producer: waiting for the start signal")
        await self.start_signal.wait()
        for i in range(self.item_count):
            item = f"Data-{i}"
            self.items.append(item)
            self.say(f"Producer: generated {item}")
            await asyncio.sleep(0.2)
        self.say("Producer: all data generated, setting data_ready")
        self.data_ready.set()

    async def processor(self, number: int) -> None:
        self.say(f"Processor {number}: waiting for data")
        # An event carries no data, only "it happened": here, that all the
        # items exist. (A queue, in chapter 8, lets processing start sooner.)
        await self.data_ready.wait()
        while self.items:
            # No await between the test and the pop: no other processor can
            # take the item in between.
            item = self.items.pop(0)
            await asyncio.sleep(random.uniform(0.1, 0.3))
            self.processed.append(f"{item} by P{number}")
            self.say(f"Processor {number}: finished {item}")
        self.say(f"Processor {number}: no more items")
        if len(self.processed) == self.item_count:
            self.say(f"Processor {number}: everything processed, setting all_processed")
            self.all_processed.set()

    async def coordinator(self) -> list[str]:
        self.say("Coordinator: starting the producer and 3 processors")
        producer = asyncio.create_task(self.producer())
        processors = [asyncio.create_task(self.processor(n)) for n in range(1, 4)]
        await asyncio.sleep(0.5)  # let everyone get ready
        self.say("Coordinator: sending the start signal")
        self.start_signal.set()
        await self.all_processed.wait()
        self.say("Coordinator: all work completed")
        await producer
        await asyncio.gather(*processors)
        return self.processed


async def run_pipeline() -> None:
    results = await Pipeline(item_count=5).coordinator()
    print(f"{len(results)} items processed:")
    for item in results:
        print(f"  {item}")


def event_pipeline() -> None:
    asyncio.run(run_pipeline())
# [event_pipeline]


# [event_timeouts]
async def wait_at_most(name: str, event: asyncio.Event, seconds: float, start: float) -> None:
    print(f"[{since(start):.1f}s] {name}: waiting for the event, at most {seconds:.1f}s")
    try:
        await asyncio.wait_for(event.wait(), timeout=seconds)
        print(f"[{since(start):.1f}s] {name}: event received")
    except TimeoutError:
        print(f"[{since(start):.1f}s] {name}: timed out, gave up waiting")


async def set_later(name: str, event: asyncio.Event, delay: float, start: float) -> None:
    await asyncio.sleep(delay)
    print(f"[{since(start):.1f}s] setter: setting {name}")
    event.set()


async def quick_and_slow() -> None:
    start = time.perf_counter()
    quick = asyncio.Event()
    slow = asyncio.Event()
    await asyncio.gather(wait_at_most("waiter A", quick, 2.0, start),
                         wait_at_most("waiter B", slow, 2.0, start),
                         set_later("the quick event", quick, 1.0, start),
                         set_later("the slow event", slow, 3.0, start))
    # The timeout ended waiter B's wait, not the setter: the slow event is
    # set all the same, with nobody left waiting for it.
    print(f"slow event: is_set() = {slow.is_set()}")


def event_timeouts() -> None:
    asyncio.run(quick_and_slow())
# [event_timeouts]


# [semaphore_limit]
async def limited_task(name: str, semaphore: asyncio.Semaphore, start: float) -> None:
    async with semaphore:  # waits while two others hold it
        print(f"[{since(start):.1f}s] {name} acquired the semaphore")
        await asyncio.sleep(1)
        print(f"[{since(start):.1f}s] {name} releases it")


async def five_tasks_two_at_a_time() -> None:
    semaphore = asyncio.Semaphore(2)
    start = time.perf_counter()
    await asyncio.gather(*(limited_task(f"worker {i}", semaphore, start) for i in range(5)))
    print(f"5 tasks of 1s, 2 at a time: {since(start):.1f}s")


def semaphore_limit() -> None:
    asyncio.run(five_tasks_two_at_a_time())
# [semaphore_limit]


# [semaphore_peak]
class DownloadStats:
    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0
        self.completed = 0


async def download(file_id: str, seconds: float, stats: DownloadStats, start: float,
                   verbose: bool) -> float:
    # No await between reading and writing the counters, so they need no
    # lock: no other task can run in between.
    stats.in_flight += 1
    stats.peak = max(stats.peak, stats.in_flight)
    if verbose:
        print(f"[{since(start):.2f}s] {file_id}: starting ({stats.in_flight} in flight)")
    await asyncio.sleep(seconds)  # stands in for the transfer
    stats.in_flight -= 1
    stats.completed += 1
    if verbose:
        print(f"[{since(start):.2f}s] {file_id}: done after {seconds:.2f}s")
    return seconds


async def limited_download(semaphore: asyncio.Semaphore, file_id: str, seconds: float,
                           stats: DownloadStats, start: float) -> float:
    async with semaphore:
        return await download(file_id, seconds, stats, start, verbose=True)


async def compare_downloads() -> None:
    # The same ten durations for both runs, so the comparison is fair.
    durations = [random.uniform(0.2, 1.0) for _ in range(10)]

    stats = DownloadStats()
    semaphore = asyncio.Semaphore(3)
    start = time.perf_counter()
    await asyncio.gather(*(limited_download(semaphore, f"file-{i + 1}", seconds, stats, start)
                           for i, seconds in enumerate(durations)))
    limited_time = since(start)

    unlimited = DownloadStats()
    start = time.perf_counter()
    await asyncio.gather(*(download(f"file-{i + 1}", seconds, unlimited, start, verbose=False)
                           for i, seconds in enumerate(durations)))
    unlimited_time = since(start)

    print(f"Limited to 3: {stats.completed} downloads in {limited_time:.2f}s, "
          f"peak {stats.peak} in flight")
    print(f"Unlimited:    {unlimited.completed} downloads in {unlimited_time:.2f}s, "
          f"peak {unlimited.peak} in flight")
    print(f"Sum of the durations: {sum(durations):.2f}s")


def semaphore_peak() -> None:
    asyncio.run(compare_downloads())
# [semaphore_peak]


# [semaphore_fetch]
async def rate_limited_fetch(semaphore: asyncio.Semaphore, url: str, start: float) -> int:
    async with semaphore:  # at most five requests at any moment
        print(f"[{since(start):.2f}s] fetching {url}")
        await asyncio.sleep(0.5)  # the request
        return 200


async def fetch_twenty() -> None:
    semaphore = asyncio.Semaphore(5)
    urls = [f"https://api.example.com/item/{i}" for i in range(20)]
    start = time.perf_counter()
    statuses = await asyncio.gather(*(rate_limited_fetch(semaphore, url, start) for url in urls))
    # 20 requests, 5 at a time, 0.5 s each: four rounds.
    print(f"Fetched {statuses.count(200)} URLs in {since(start):.2f}s")


def semaphore_fetch() -> None:
    asyncio.run(fetch_twenty())
# [semaphore_fetch]


# [bounded_semaphore]
async def stray_release() -> None:
    semaphore = asyncio.Semaphore(1)
    semaphore.release()  # a bug: released without being acquired
    await semaphore.acquire()
    # A Semaphore(1) should be locked now, but the stray release made room
    # for a second holder.
    print(f"Semaphore(1) after a stray release, one holder: locked() = {semaphore.locked()}")

    bounded = asyncio.BoundedSemaphore(1)
    try:
        bounded.release()  # the same bug, caught where it happens
    except ValueError as error:
        print(f"BoundedSemaphore(1), the same release: {error}")


def bounded_semaphore() -> None:
    asyncio.run(stray_release())
# [bounded_semaphore]


# [condition_buffer]
CAPACITY = 2


class BoundedBuffer:
    def __init__(self, start: float) -> None:
        self.items: list[int] = []
        self.changed = asyncio.Condition()  # owns a lock of its own
        self.start = start

    async def put(self, item: int) -> None:
        asked = time.perf_counter()
        async with self.changed:
            # wait_for releases the lock while it waits, and takes it back
            # before it tests the predicate again.
            await self.changed.wait_for(lambda: len(self.items) < CAPACITY)
            self.items.append(item)
            print(f"[{since(self.start):.1f}s] put {item}  -> {self.items}"
                  f"  (waited {since(asked):.1f}s)")
            self.changed.notify_all()

    async def get(self) -> int:
        async with self.changed:
            await self.changed.wait_for(lambda: len(self.items) > 0)
            item = self.items.pop(0)
            print(f"[{since(self.start):.1f}s] got {item}  -> {self.items}")
            self.changed.notify_all()
            return item


async def fast_producer(buffer: BoundedBuffer, count: int) -> None:
    for item in range(count):
        await buffer.put(item)
        await asyncio.sleep(0.1)


async def slow_consumer(buffer: BoundedBuffer, count: int) -> None:
    for _ in range(count):
        await buffer.get()
        await asyncio.sleep(0.3)


async def producer_and_consumer() -> None:
    buffer = BoundedBuffer(time.perf_counter())
    # The producer could put an item every 0.1s, but the buffer holds two:
    # once it is full, the producer moves at the consumer's pace.
    await asyncio.gather(fast_producer(buffer, 6), slow_consumer(buffer, 6))


def condition_buffer() -> None:
    asyncio.run(producer_and_consumer())
# [condition_buffer]


# [barrier]
async def service(name: str, setup_seconds: float, barrier: asyncio.Barrier,
                  start: float) -> None:
    await asyncio.sleep(setup_seconds)
    print(f"[{since(start):.1f}s] {name} is ready and waits")
    index = await barrier.wait()  # index: the order of arrival, from 0
    print(f"[{since(start):.1f}s] {name} passes (arrived as number {index})")


async def start_together() -> None:
    barrier = asyncio.Barrier(3)
    start = time.perf_counter()
    await asyncio.gather(service("database", 0.3, barrier, start),
                         service("cache", 0.1, barrier, start),
                         service("web", 0.2, barrier, start))
    # Everyone has passed, so the barrier is ready for another round.
    print(f"after the round: n_waiting = {barrier.n_waiting}, broken = {barrier.broken}")


def barrier() -> None:
    asyncio.run(start_together())
# [barrier]


if __name__ == "__main__":
    run_chapter(
        "Chapter 7: Synchronization primitives",
        [
            ("lock_counter", lock_counter),
            ("lost_update", lost_update),
            ("lock_fairness", lock_fairness),
            ("event_signal", event_signal),
            ("event_pipeline", event_pipeline),
            ("event_timeouts", event_timeouts),
            ("semaphore_limit", semaphore_limit),
            ("semaphore_peak", semaphore_peak),
            ("semaphore_fetch", semaphore_fetch),
            ("bounded_semaphore", bounded_semaphore),
            ("condition_buffer", condition_buffer),
            ("barrier", barrier),
        ],
    )
