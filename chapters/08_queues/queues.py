"""Chapter 8: Queues and pipelines -- the Python twin of queues.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import itertools
import time
from collections import deque

from aio_twin import run_chapter


def since(start: float) -> float:
    return time.perf_counter() - start


# [queue_processing]
async def produce_numbers(queue: asyncio.Queue[int], start: float) -> None:
    for i in range(5):
        print(f"[{since(start):.1f}s] Producing {i}")
        await queue.put(i)
        await asyncio.sleep(0.5)


async def consume_numbers(queue: asyncio.Queue[int], name: str, start: float) -> None:
    # A consumer never returns by itself: it waits for the next item forever,
    # and whoever started it cancels it once the work is done.
    while True:
        item = await queue.get()
        print(f"[{since(start):.1f}s] {name} processing {item}")
        await asyncio.sleep(1)
        # One task_done per get: join() waits until every item put has been
        # marked done, not merely taken off the queue.
        queue.task_done()


async def process_queue() -> None:
    start = time.perf_counter()
    queue: asyncio.Queue[int] = asyncio.Queue()
    producer = asyncio.create_task(produce_numbers(queue, start))
    consumers = [
        asyncio.create_task(consume_numbers(queue, "Consumer-1", start)),
        asyncio.create_task(consume_numbers(queue, "Consumer-2", start)),
    ]
    # A fixed sleep before cancelling the consumers would be a guess: too
    # short and it cuts off work in progress, too long and it wastes time.
    # join() returns the moment the last item is marked done. Wait for the
    # producer first: join() alone could return in a gap between two puts,
    # when everything put so far happens to be done.
    await producer
    await queue.join()
    print(f"[{since(start):.1f}s] All items processed")
    for consumer in consumers:
        consumer.cancel()
    # Wait for the cancellations to land, so no task is left half-finished.
    await asyncio.gather(*consumers, return_exceptions=True)
    print(f"Consumers cancelled: {[consumer.cancelled() for consumer in consumers]}")


def queue_processing() -> None:
    asyncio.run(process_queue())
# [queue_processing]


# [bounded_sentinel]
async def produce_items(queue: asyncio.Queue[str | None], name: str, count: int,
                        consumers: int) -> None:
    for i in range(count):
        item = f"{name}-item-{i}"
        await queue.put(item)
        print(f"Produced: {item}")
        await asyncio.sleep(0.05)
    # One sentinel per consumer: each consumer stops at the first it gets.
    for _ in range(consumers):
        await queue.put(None)


async def consume_items(queue: asyncio.Queue[str | None], name: str) -> list[str]:
    processed = []
    while True:
        item = await queue.get()
        if item is None:
            # The sentinel was put, so it counts for join() like any item.
            queue.task_done()
            break
        print(f"{name} consumed: {item}")
        await asyncio.sleep(0.1)  # the work an item takes
        processed.append(item)
        queue.task_done()
    return processed


async def sentinel_pipeline() -> None:
    start = time.perf_counter()
    # maxsize bounds the items waiting: put() waits while ten are queued.
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=10)
    producer = asyncio.create_task(produce_items(queue, "P1", 8, consumers=2))
    consumers = [
        asyncio.create_task(consume_items(queue, "C1")),
        asyncio.create_task(consume_items(queue, "C2")),
    ]
    await producer
    # The sentinels end the consumers, so awaiting them is enough: no cancel.
    results = await asyncio.gather(*consumers)
    for name, processed in zip(["C1", "C2"], results):
        print(f"{name} consumed {len(processed)} items: {processed}")
    print(f"Consumed {sum(map(len, results))} items in {since(start):.2f}s")


def bounded_sentinel() -> None:
    asyncio.run(sentinel_pipeline())
# [bounded_sentinel]


# [backpressure]
async def fast_producer(queue: asyncio.Queue[int], count: int, start: float) -> None:
    for item in range(count):
        if queue.full():
            print(f"[{since(start):.2f}s] producer: queue full "
                  f"({queue.qsize()}/{queue.maxsize}), waiting to put {item}")
        await queue.put(item)  # waits while the queue is full
        print(f"[{since(start):.2f}s] producer: put {item}")
    print(f"[{since(start):.2f}s] producer: done")


async def slow_consumer(queue: asyncio.Queue[int], start: float) -> None:
    while True:
        item = await queue.get()
        print(f"[{since(start):.2f}s] consumer: got {item}, {queue.qsize()} waiting")
        await asyncio.sleep(0.5)
        queue.task_done()


async def bounded_pipeline() -> None:
    start = time.perf_counter()
    # Two slots: the producer can run at most two items ahead of the consumer.
    # Unbounded, it would pile up every item in memory before the consumer
    # had finished the first.
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=2)
    count = 6
    producer = asyncio.create_task(fast_producer(queue, count, start))
    consumer = asyncio.create_task(slow_consumer(queue, start))
    await producer
    await queue.join()
    elapsed = since(start)
    consumer.cancel()
    await asyncio.gather(consumer, return_exceptions=True)
    # The pipeline runs at the pace of its slowest stage.
    print(f"{count} items in {elapsed:.2f}s: {count / elapsed:.1f} items/s")


def backpressure() -> None:
    asyncio.run(bounded_pipeline())
# [backpressure]


# [load_shedding]
async def shedding_producer(queue: asyncio.Queue[int], count: int, start: float) -> list[int]:
    dropped = []
    for item in range(count):
        try:
            # Never waits: a full queue raises at once instead.
            queue.put_nowait(item)
        except asyncio.QueueFull:
            print(f"[{since(start):.2f}s] producer: queue full, dropped {item}")
            dropped.append(item)
        await asyncio.sleep(0.25)
    return dropped


def take_all(queue: asyncio.Queue[int]) -> list[int]:
    """Everything queued right now, without waiting for more."""
    batch = []
    while True:
        try:
            batch.append(queue.get_nowait())
        except asyncio.QueueEmpty:
            return batch


async def shed_load() -> None:
    start = time.perf_counter()
    queue: asyncio.Queue[int] = asyncio.Queue(maxsize=3)
    producer = asyncio.create_task(shedding_producer(queue, 10, start))
    # The consumer wakes once a second and takes a whole batch.
    handled: list[int] = []
    while not (producer.done() and queue.empty()):
        await asyncio.sleep(1)
        batch = take_all(queue)
        print(f"[{since(start):.2f}s] consumer: batch {batch}")
        handled += batch
    print(f"handled {handled}, dropped {await producer}")


def load_shedding() -> None:
    # When waiting is worse than losing an item (live measurements, say),
    # the producer drops what does not fit instead of slowing down.
    asyncio.run(shed_load())
# [load_shedding]


# [lock_pipeline]
async def add_under_lock(lock: asyncio.Lock, shared: deque[str], producer_id: int) -> None:
    for i in range(3):
        item = f"P{producer_id}-Item{i}"
        async with lock:
            shared.append(item)
            print(f"Producer {producer_id} added: {item}")
        await asyncio.sleep(0.1)  # the work between two items


async def process_under_lock(lock: asyncio.Lock, shared: deque[str], expected: int) -> list[str]:
    processed: list[str] = []
    empty_polls = 0
    # The processor must be told how many items to expect: nothing else says
    # when the producers are finished.
    while len(processed) < expected:
        async with lock:
            item = shared.popleft() if shared else None
        if item is None:
            # Nothing there: all it can do is look again a little later. (15 ms:
            # never at the instant a producer adds, so the count is exact.)
            empty_polls += 1
            await asyncio.sleep(0.015)
            continue
        # The slow part runs outside the lock, so producers are not held up.
        await asyncio.sleep(0.02)
        processed.append(item)
        print(f"Processed: {item} (#{len(processed)})")
    print(f"The processor found the list empty {empty_polls} times")
    return processed


async def locked_pipeline() -> None:
    start = time.perf_counter()
    lock = asyncio.Lock()
    shared: deque[str] = deque()
    *_, processed = await asyncio.gather(
        add_under_lock(lock, shared, 1),
        add_under_lock(lock, shared, 2),
        add_under_lock(lock, shared, 3),
        process_under_lock(lock, shared, 9),
    )
    print(f"{len(processed)} items processed in {since(start):.2f}s")


def lock_pipeline() -> None:
    asyncio.run(locked_pipeline())
# [lock_pipeline]


# [queue_pipeline]
async def add_to_queue(queue: asyncio.Queue[str], producer_id: int) -> None:
    for i in range(3):
        item = f"P{producer_id}-Item{i}"
        # No lock: put and get change the queue without suspending halfway, and
        # only one task runs at a time, so no task sees it half-changed.
        await queue.put(item)
        print(f"Producer {producer_id} added: {item}")
        await asyncio.sleep(0.1)


async def process_from_queue(queue: asyncio.Queue[str], processed: list[str]) -> None:
    wakeups = 0
    try:
        while True:
            # get() sleeps until an item is there: no polling.
            item = await queue.get()
            wakeups += 1
            await asyncio.sleep(0.02)
            processed.append(item)
            print(f"Processed: {item} (#{len(processed)})")
            queue.task_done()
    except asyncio.CancelledError:
        # Cancellation is how this loop ends: report, then let it propagate.
        print(f"The processor woke {wakeups} times, once per item")
        raise


async def queued_pipeline() -> None:
    start = time.perf_counter()
    queue: asyncio.Queue[str] = asyncio.Queue()
    processed: list[str] = []
    processor = asyncio.create_task(process_from_queue(queue, processed))
    await asyncio.gather(
        add_to_queue(queue, 1),
        add_to_queue(queue, 2),
        add_to_queue(queue, 3),
    )
    # No item count to agree on in advance: join() knows when all are done.
    await queue.join()
    processor.cancel()
    await asyncio.gather(processor, return_exceptions=True)
    print(f"{len(processed)} items processed in {since(start):.2f}s")


def queue_pipeline() -> None:
    asyncio.run(queued_pipeline())
# [queue_pipeline]


# [priority_queue]
Job = tuple[int, int, str]


async def run_jobs(queue: asyncio.PriorityQueue[Job], start: float) -> None:
    while True:
        priority, number, name = await queue.get()
        print(f"[{since(start):.2f}s] running {name!r} (priority {priority}, #{number})")
        await asyncio.sleep(0.1)
        queue.task_done()


async def prioritized() -> None:
    start = time.perf_counter()
    queue: asyncio.PriorityQueue[Job] = asyncio.PriorityQueue()
    # The counter breaks ties between equal priorities: first come, first
    # served (a heap alone keeps no order among equals), and the names are
    # never compared.
    counter = itertools.count()
    for priority, name in [
        (3, "send newsletter"),
        (2, "resize images"),
        (3, "rebuild index"),
        (1, "charge card"),
        (2, "send receipts"),
    ]:
        queue.put_nowait((priority, next(counter), name))
    worker = asyncio.create_task(run_jobs(queue, start))
    await asyncio.sleep(0.15)
    # An urgent job arriving later still goes ahead of everything waiting.
    print(f"[{since(start):.2f}s] urgent job arrives")
    queue.put_nowait((0, next(counter), "refund order"))
    await queue.join()
    worker.cancel()
    await asyncio.gather(worker, return_exceptions=True)


def priority_queue() -> None:
    asyncio.run(prioritized())
# [priority_queue]


# [lifo_queue]
TREE = {
    "/": ["/docs", "/src"],
    "/docs": ["/docs/guide.md"],
    "/src": ["/src/lib", "/src/main.py"],
    "/src/lib": ["/src/lib/util.py"],
}


async def walk(queue: asyncio.Queue[str]) -> list[str]:
    visited = []
    queue.put_nowait("/")
    while not queue.empty():
        node = await queue.get()
        visited.append(node)
        for child in TREE.get(node, []):
            queue.put_nowait(child)
    return visited


async def fifo_and_lifo() -> None:
    # The same walk: a FIFO queue visits the tree level by level (breadth
    # first), a LIFO queue goes deep first, like a stack.
    print(f"Queue:     {await walk(asyncio.Queue())}")
    print(f"LifoQueue: {await walk(asyncio.LifoQueue())}")


def lifo_queue() -> None:
    asyncio.run(fifo_and_lifo())
# [lifo_queue]


if __name__ == "__main__":
    run_chapter(
        "Chapter 8: Queues and pipelines",
        [
            ("queue_processing", queue_processing),
            ("bounded_sentinel", bounded_sentinel),
            ("backpressure", backpressure),
            ("load_shedding", load_shedding),
            ("lock_pipeline", lock_pipeline),
            ("queue_pipeline", queue_pipeline),
            ("priority_queue", priority_queue),
            ("lifo_queue", lifo_queue),
        ],
    )
