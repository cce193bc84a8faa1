"""Chapter 10: Errors and resilience -- the Python twin of resilience.cpp.

Every section prints exactly what the C++ section prints; run it with
PYTHONPATH=tools/twin, and with --virtual-time to skip the waiting.
"""

import asyncio
import random
import time

from aio_twin import run_chapter


def since(start: float) -> float:
    return time.perf_counter() - start


# [exception_propagation]
async def reliable_task(task_id: str) -> str:
    await asyncio.sleep(0.5)
    return f"Success from {task_id}"


async def unreliable_task(task_id: str, failure_rate: float) -> str:
    await asyncio.sleep(0.5)
    # The seeded random source makes "random" failures the same on every run.
    if random.random() < failure_rate:
        raise ValueError(f"Task {task_id} failed randomly!")
    return f"Success from {task_id}"


async def propagation() -> None:
    print("gather() without return_exceptions: the first error is raised")
    try:
        results = await asyncio.gather(reliable_task("R1"),
                                       unreliable_task("U1", 1.0),
                                       reliable_task("R2"))
        print(f"  all completed: {results}")
    except ValueError as error:
        print(f"  gather() raised: {error}")

    print("gather() with return_exceptions=True: errors come back as results")
    coros = [unreliable_task(f"U{i}", 0.5) for i in range(2, 7)]
    results = await asyncio.gather(*coros, return_exceptions=True)
    for i, result in enumerate(results, start=1):
        if isinstance(result, Exception):
            print(f"  task {i}: failed - {result}")
        else:
            print(f"  task {i}: {result}")
    failed = sum(isinstance(result, Exception) for result in results)
    print(f"  {len(results) - failed} succeeded, {failed} failed")


def exception_propagation() -> None:
    asyncio.run(propagation())
# [exception_propagation]


# [individual_handling]
async def monitored_task(task_id: str, should_fail: bool) -> str:
    try:
        await asyncio.sleep(0.3)
        if should_fail:
            raise RuntimeError(f"Task {task_id} encountered an error")
        return f"Result from {task_id}"
    except asyncio.CancelledError:
        print(f"  {task_id}: cancelled")
        raise  # a cancelled task must stay cancelled


async def handle_each() -> None:
    tasks = [asyncio.create_task(monitored_task("T1", False)),
             asyncio.create_task(monitored_task("T2", True)),
             asyncio.create_task(monitored_task("T3", False)),
             asyncio.create_task(monitored_task("T4", True))]
    # Awaiting each task in its own try keeps one failure from hiding the
    # others: every task reports its own outcome.
    succeeded = 0
    for i, task in enumerate(tasks, start=1):
        try:
            result = await task
            succeeded += 1
            print(f"  task {i}: {result}")
        except RuntimeError as error:
            print(f"  task {i}: error - {error}")
    print(f"{succeeded} of {len(tasks)} tasks succeeded")


def individual_handling() -> None:
    asyncio.run(handle_each())
# [individual_handling]


# [backoff_schedule]
def backoff_schedule() -> None:
    # Errata: a "backoff" of backoff ** (attempt - 1) with backoff=1 is 1 for
    # every attempt; the wait never grows. Exponential backoff doubles it.
    print("attempt  1 ** (attempt - 1)  0.5 * 2 ** (attempt - 1)")
    for attempt in range(1, 6):
        print(f"{attempt:7}  {1 ** (attempt - 1):18}  {0.5 * 2 ** (attempt - 1):24.1f}")
# [backoff_schedule]


# [retry_with_backoff]
async def retry(operation, retry_on: tuple, max_attempts: int = 4,
                base_delay: float = 0.1):
    start = time.perf_counter()
    for attempt in range(1, max_attempts + 1):
        try:
            return await operation(attempt)
        except retry_on as error:
            # Other exception types are bugs, not hiccups: they skip this
            # clause and propagate at once.
            if attempt == max_attempts:
                print(f"  [{since(start):.3f}s] attempt {attempt} failed: {error}; giving up")
                raise
            delay = base_delay * 2 ** (attempt - 1)
            # Jitter spreads out clients that failed together, so they do not
            # all retry at the same instant.
            wait = delay + random.uniform(0, delay * 0.1)
            print(f"  [{since(start):.3f}s] attempt {attempt} failed: {error}; "
                  f"waiting {wait:.3f}s")
            await asyncio.sleep(wait)


async def recovers_on_third(attempt: int) -> str:
    await asyncio.sleep(0.05)
    if attempt < 3:
        raise ConnectionError("API unavailable")
    return f"Success on attempt {attempt}"


async def bad_request(attempt: int) -> str:
    await asyncio.sleep(0.05)
    raise ValueError(f"invalid request (attempt {attempt})")


async def always_down(attempt: int) -> str:
    await asyncio.sleep(0.05)
    raise ConnectionError(f"still down (attempt {attempt})")


async def retries() -> None:
    print("A service that recovers:")
    result = await retry(recovers_on_third, (ConnectionError,))
    print(f"  result: {result}")

    print("An error that is not retried:")
    try:
        await retry(bad_request, (ConnectionError,))
    except ValueError as error:
        print(f"  propagated at once: {error}")

    print("A service that stays down:")
    try:
        await retry(always_down, (ConnectionError, TimeoutError))
    except ConnectionError as error:
        print(f"  last error re-raised: {error}")


def retry_with_backoff() -> None:
    asyncio.run(retries())
# [retry_with_backoff]


# [circuit_breaker]
class CircuitOpenError(Exception):
    pass


class CircuitBreaker:
    """Stops calling a failing service, then probes it with one trial call."""

    def __init__(self, failure_threshold: int, recovery_timeout: float) -> None:
        self.failure_threshold = failure_threshold
        self.recovery_timeout = recovery_timeout
        self.state = "closed"
        self.failures = 0
        self.opened_at = 0.0
        self.trial_running = False
        self.start = asyncio.get_running_loop().time()

    def _move_to(self, state: str) -> None:
        elapsed = asyncio.get_running_loop().time() - self.start
        print(f"  [{elapsed:.1f}s] circuit {self.state} -> {state}")
        self.state = state

    async def call(self, operation):
        loop = asyncio.get_running_loop()
        if self.state == "open":
            # Open: fail fast, without touching the service, until the
            # recovery timeout has passed on the loop's clock.
            if loop.time() - self.opened_at < self.recovery_timeout:
                raise CircuitOpenError("circuit open: call rejected")
            self._move_to("half-open")
        if self.state == "half-open":
            # Half-open: exactly one trial call decides; others are rejected.
            if self.trial_running:
                raise CircuitOpenError("circuit half-open: trial in progress")
            self.trial_running = True
        try:
            result = await operation()
        except Exception:
            self.trial_running = False
            self.failures += 1
            if self.state == "half-open" or self.failures >= self.failure_threshold:
                self.opened_at = loop.time()
                self._move_to("open")
            raise
        self.trial_running = False
        self.failures = 0
        if self.state == "half-open":
            self._move_to("closed")
        return result


async def flaky_service(call_id: int, start: float) -> str:
    await asyncio.sleep(0.1)
    # The service is down for its first 2.5 seconds, then healthy.
    if since(start) < 2.5:
        raise ConnectionError(f"service call {call_id} failed")
    return f"service result {call_id}"


async def drive_breaker() -> None:
    start = time.perf_counter()
    breaker = CircuitBreaker(failure_threshold=3, recovery_timeout=0.9)
    for call_id in range(1, 16):
        try:
            result = await breaker.call(lambda: flaky_service(call_id, start))
            print(f"  [{since(start):.1f}s] call {call_id}: {result}")
        except (ConnectionError, CircuitOpenError) as error:
            print(f"  [{since(start):.1f}s] call {call_id}: {error}")
        await asyncio.sleep(0.2)


def circuit_breaker() -> None:
    asyncio.run(drive_breaker())
# [circuit_breaker]


run_chapter("Chapter 10: Errors and resilience", [
    ("exception_propagation", exception_propagation),
    ("individual_handling", individual_handling),
    ("backoff_schedule", backoff_schedule),
    ("retry_with_backoff", retry_with_backoff),
    ("circuit_breaker", circuit_breaker),
])
