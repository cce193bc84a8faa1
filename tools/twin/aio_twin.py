"""The harness every chapter's Python twin runs under.

A chapter twin is a plain asyncio program that must print exactly the lines
its C++ chapter prints. It hands its sections to ``run_chapter``:

    from aio_twin import run_chapter

    def hello():
        asyncio.run(main())

    run_chapter("Chapter 3: The event loop", [("hello", hello), ...])

``run_chapter`` gives both languages one command line (``--section``,
``--list``, ``--virtual-time``, ``--help``) and one set of rules for what
surrounds a section's output (headers, the random seed, exit codes). The C++
harness implements the same command line byte for byte.

The other half of this module is the virtual clock. On it, waiting takes no
real time: an ``asyncio.sleep(5)`` or a ``time.sleep(5)`` finishes at once and
the clock reads 5 s later, so programs that print timings print the same
numbers on every machine, in both languages.
"""

from __future__ import annotations

import _thread
import asyncio
import asyncio.futures
import concurrent.futures
import concurrent.futures.process  # imported now so its submit can be tracked
import heapq
import functools
import itertools
import math
import os
import queue
import random
import select
import selectors
import sys
import sysconfig
import threading
import time
import traceback
from typing import Callable, NoReturn

__all__ = [
    "run_chapter",
    "use_clock",
    "virtual_clock_enabled",
    "CLOCK",
    "VirtualClock",
    "TwinEventLoop",
    "TwinEventLoopPolicy",
    "SequencedTimerHandle",
]


# ---------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------

# The same text as the C++ harness (chapters/common/chapter.cpp) prints.
_HELP = """\
{title}

usage: {program} [--virtual-time] [--list | --section NAME]

  (no option)      run every section in order
  --section NAME   run one section
  --list           list the sections
  --virtual-time   use the virtual clock: timers fire at once, times stay exact
                   (the environment variable AIO_CLOCK=virtual does the same)
"""


def _fail_usage(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def run_chapter(title: str, sections: list[tuple[str, Callable[[], object]]]) -> NoReturn:
    """Run a chapter's sections as the command line asks, then exit.

    Each section is (name, function). The function takes no arguments and
    calls asyncio.run itself, as often as it likes.
    """
    names = [name for name, _ in sections]
    for name in names:
        # A name must survive a round trip through --list and --section.
        if not name or name != name.strip() or "\n" in name:
            raise ValueError(f"bad section name {name!r}")
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate section names in {names}")

    # Arguments are read left to right, exactly as the C++ harness reads
    # them: --help and every error act the moment they are read (so
    # `--section nope --help` is an error and `--help --section nope` is
    # help), a repeated --section replaces the earlier one, and --list wins
    # over --section once all are read.
    args = sys.argv[1:]
    wanted: str | None = None
    list_only = False
    virtual = os.environ.get("AIO_CLOCK") == "virtual"
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in ("-h", "--help"):
            sys.stdout.write(_HELP.format(title=title, program=sys.argv[0]))
            sys.exit(0)
        elif arg == "--list":
            list_only = True
        elif arg == "--virtual-time":
            virtual = True
        elif arg == "--section":
            if i + 1 == len(args):
                _fail_usage("--section needs a section name")
            i += 1
            wanted = args[i]
            if wanted not in names:
                _fail_usage(f"unknown section '{wanted}' (use --list to see the sections)")
        else:
            _fail_usage(f"unknown option '{arg}' (use --help)")
        i += 1

    if list_only:
        for name in names:
            print(name)
        sys.exit(0)

    use_clock(virtual=virtual)
    chosen = [(n, f) for n, f in sections if wanted in (None, n)]
    for index, (name, function) in enumerate(chosen):
        if wanted is None:
            if index:
                print()
            # Flushed now so the header comes before anything the section
            # writes by other routes (a child process, os.write).
            print(f"=== {name} ===", flush=True)
        _start_section()
        try:
            function()
        except (SystemExit, KeyboardInterrupt):
            raise
        except BaseException:
            sys.stdout.flush()
            traceback.print_exc()
            sys.exit(1)
        sys.stdout.flush()
    sys.exit(0)


def _start_section() -> None:
    """Every section starts from the same state whether it runs alone or
    after others, so one expected file serves both: the random source
    reseeded with 42, and task names counting again from Task-1."""
    global _task_numbers
    random.seed(42)
    _task_numbers = itertools.count(1)


# CPython names unnamed tasks Task-1, Task-2, ... from a counter inside its C
# Task type, which nothing can reset; TwinEventLoop.create_task names them
# from this one instead, which every section restarts.
_task_numbers = itertools.count(1)


# ---------------------------------------------------------------------------
# Timers with equal deadlines fire in scheduling order
# ---------------------------------------------------------------------------

_timer_sequence = itertools.count()


class SequencedTimerHandle(asyncio.TimerHandle):
    """A TimerHandle ordered by (deadline, scheduling order).

    CPython keeps timers in a heap and compares them by deadline alone, and a
    heap is not stable: two timers due at the same moment may fire in either
    order. On the virtual clock equal deadlines are common (every task that
    sleeps 1 s from the same instant gets the same deadline), and the C++
    runtime promises scheduling order, so the twin must promise it too.
    """

    __slots__ = ("_seq",)

    def __init__(self, when, callback, args, loop, context=None):
        super().__init__(when, callback, args, loop, context)
        if self._source_traceback:  # debug mode: hide this extra frame too
            del self._source_traceback[-1]
        self._seq = next(_timer_sequence)

    def _key(self):
        return (self._when, self._seq)

    # heapq only needs __lt__; the rest keep the comparisons consistent.
    def __lt__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() < other._key()
        return super().__lt__(other)

    def __le__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() <= other._key()
        return super().__le__(other)

    def __gt__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() > other._key()
        return super().__gt__(other)

    def __ge__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() >= other._key()
        return super().__ge__(other)

    def __eq__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() == other._key()
        return super().__eq__(other)

    def __hash__(self):
        return hash(self._key())


# ---------------------------------------------------------------------------
# The virtual clock
# ---------------------------------------------------------------------------
#
# The model is a discrete-event simulation. Computing takes no virtual time;
# only waiting does. Every thread that waits on the clock is a participant
# (the main thread always is, and so is each job an executor runs), and each
# participant is either RUNNING or WAITING. A waiter has a deadline (a sleep,
# a select with a timeout, a wait with a timeout), a condition that ends the
# wait early (a notify, a thread ending, a callback queued for a loop), or
# both. Time moves only when no participant is running: it jumps to the
# earliest deadline (ties: whoever began waiting first), wakes that one
# waiter, and waits until everything is quiet again. So three threads that
# each sleep 1 s take 1 s together, as they do for real, and a callback
# scheduled by a thread is seen before time moves on.
#
# The waits the clock recognizes: time.sleep, an event loop's select,
# threading.Condition.wait (and so Event, Semaphore, Barrier, queue.Queue and
# concurrent.futures results) and Thread.join. A thread blocked in anything
# else (a plain lock, a socket) looks busy, and time stops until it is done;
# after _STALL_LIMIT seconds of real time the clock warns on stderr and stops
# waiting for it. A job in a process pool is busy until its result is back.
#
# Only the program sees virtual time. Library code that waits for real things
# (child processes, pipes) keeps the real clock; see _clock_function.

# The real clock functions, captured before anything is patched.
_real_monotonic = time.monotonic
_real_sleep = time.sleep

# How long a waiter blocks in real time before it looks around again (for
# threads that ended, or a stall). Wake-ups normally come sooner, by notify.
_SLICE = 0.02
_STALL_LIMIT = 10.0

_RUNNING, _WAITING, _QUEUED = "running", "waiting", "queued"


class _RawCondition(threading.Condition):
    """threading.Condition with the original methods.

    The clock patches threading.Condition; its own lock must keep the real
    behaviour or every wait inside the clock would recurse into the clock.
    """

    wait = threading.Condition.wait
    notify = threading.Condition.notify
    notify_all = threading.Condition.notify_all


class _Participant:
    """A thread that waits on the clock, or an executor job."""

    def __init__(self, thread, pool=None, state=_RUNNING):
        self.thread = thread      # for a job: the worker thread, once it runs
        self.pool = pool          # for a thread-pool job: its executor
        self.state = state
        self.deadline = None      # virtual time the current wait ends, or None
        self.seq = 0              # ties between equal deadlines: wait order
        self.until = None         # callable: true when the wait is over early
        self.wake = None          # callable: interrupts a waiter not on our condition
        self.timed_out = False
        self.stuck = False        # busy too long; the clock no longer waits for it
        self.released = False     # for a job: finished and result delivered
        self.awaits_delivery = False


class VirtualClock:
    """One virtual time for the whole process; see the model described above."""

    def __init__(self):
        self._now = 0.0
        self._cond = _RawCondition(_thread.allocate_lock())
        self._seq = itertools.count()
        self._threads: dict[threading.Thread, _Participant] = {}
        self._jobs: dict[_Participant, None] = {}   # ordered, unlike a set
        self._local = threading.local()   # .job: the job this thread runs
        self._stall_since = None
        self._warned = False
        self._main_exiting = False

    # -- reading ---------------------------------------------------------

    def now(self) -> float:
        """The virtual time in seconds; starts at 0.0, never goes back."""
        return self._now

    # -- waiting ---------------------------------------------------------

    def sleep(self, seconds) -> None:
        """time.sleep on the virtual clock."""
        if not isinstance(seconds, (int, float)):
            raise TypeError(f"'{type(seconds).__name__}' object cannot be "
                            "interpreted as an integer")
        if math.isnan(seconds):
            raise ValueError("Invalid value NaN (not a number)")
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        if math.isinf(seconds):
            raise OverflowError("sleep length is too large")
        if seconds == 0:
            _real_sleep(0)   # still lets other threads run, as the real one does
            return
        self.wait(seconds)

    def wait(self, seconds=None, until=None, block=None, wake=None):
        """Wait as the calling thread's participant.

        The wait ends when `seconds` of virtual time have passed (None: no
        deadline), when `until()` is true, or when `block(slice)` returns
        something true. `block` replaces the default real wait on the
        clock's condition (used to wait on a selector or a thread's end);
        `wake()` interrupts it. Returns (timed_out, result of block).
        """
        thread = threading.current_thread()   # outside the lock: may build a dummy thread
        with self._cond:
            me = self._participant_locked(thread)
            # An infinite timeout is no deadline at all.
            finite = seconds is not None and math.isfinite(seconds)
            me.deadline = self._now + seconds if finite else None
            me.seq = next(self._seq)
            me.until, me.wake = until, wake
            me.state, me.stuck, me.timed_out = _WAITING, False, False
            self._stall_since = None
            result = None
            try:
                while True:
                    self._advance_locked()
                    if me.state == _RUNNING:
                        break
                    if block is None:
                        self._cond.wait(_SLICE)
                        continue
                    self._cond.release()
                    try:
                        result = block(_SLICE)
                    finally:
                        self._cond.acquire()
                    if result:
                        break
                return me.timed_out, result
            finally:
                me.state = _RUNNING
                me.deadline = me.until = me.wake = None

    def add_thread(self, thread) -> None:
        """`thread` is about to start: it is busy from this moment, so time
        cannot move before it has had its chance to wait."""
        with self._cond:
            self._threads.setdefault(thread, _Participant(thread))

    def forget_thread(self, thread) -> None:
        """`thread` has finished its work and waits for nothing any more."""
        with self._cond:
            if self._threads.pop(thread, None) is not None:
                self._advance_locked()

    def main_thread_exits(self) -> None:
        """The interpreter is shutting down: the main thread only waits for
        the other threads now, in a way the clock cannot see."""
        with self._cond:
            self._main_exiting = True
            self._advance_locked()

    def poke(self) -> None:
        """Something a waiter may be waiting for has happened: look again."""
        with self._cond:
            self._advance_locked()

    # -- executor jobs ---------------------------------------------------

    def new_job(self, pool=None) -> _Participant:
        """A job handed to an executor. A thread-pool job (pool given) is
        queued until a worker runs it; any other job is busy at once."""
        thread = threading.current_thread()
        with self._cond:
            # The submitting thread is now a participant: while it computes,
            # the job it submitted must not run ahead of it in virtual time.
            self._participant_locked(thread)
            job = _Participant(None, pool, _QUEUED if pool is not None else _RUNNING)
            self._jobs[job] = None
            return job

    def run_job(self, job: _Participant, fn, args, kwargs):
        """Runs in the worker thread, around the job's function."""
        thread = threading.current_thread()
        with self._cond:
            job.thread = thread
            job.state = _RUNNING
            job.stuck = False
        outer = getattr(self._local, "job", None)
        self._local.job = job
        try:
            return fn(*args, **kwargs)
        finally:
            # The job stays RUNNING until its result has been delivered.
            self._local.job = outer

    def track(self, job: _Participant, future: concurrent.futures.Future) -> None:
        """Release `job` when `future` is done (or, if an event loop waits for
        it, once the result is queued on that loop)."""
        future._aio_twin_job = job

        def finished(_future):
            with self._cond:
                if not job.awaits_delivery:
                    self._release_locked(job)
        future.add_done_callback(finished)

    def expect_delivery(self, job: _Participant) -> None:
        with self._cond:
            if not job.released:
                job.awaits_delivery = True

    def delivered(self, job: _Participant) -> None:
        with self._cond:
            self._release_locked(job)

    def _release_locked(self, job):
        if not job.released:
            job.released = True
            self._jobs.pop(job, None)
            self._stall_since = None
            self._advance_locked()

    # -- the scheduler ---------------------------------------------------

    def _participant_locked(self, thread) -> _Participant:
        job = getattr(self._local, "job", None)
        if job is not None:
            return job
        me = self._threads.get(thread)
        if me is None:
            me = self._threads[thread] = _Participant(thread)
        return me

    def _resume_locked(self, p, timed_out):
        p.state, p.timed_out = _RUNNING, timed_out
        self._stall_since = None
        self._cond.notify_all()
        # get_ident, not current_thread: inside the lock nothing may create a
        # dummy Thread, whose Event.set would call back into the clock.
        if p.wake is not None and (p.thread is None or p.thread.ident != threading.get_ident()):
            p.wake()

    def _advance_locked(self):
        """Move time on if every participant waits. Called on every change."""
        # A thread registered by start() is not alive until it has started.
        for thread in [t for t in self._threads if t._started.is_set() and not t.is_alive()]:
            del self._threads[thread]
        everyone = [*self._threads.values(), *self._jobs]

        # A waiter whose condition already holds is running again: the one
        # who satisfied it (a notify, a callback queued for a loop) did so
        # before asking the clock to move, so it is never passed over.
        busy = []
        for p in everyone:
            if p.state == _WAITING and p.until is not None and p.until():
                self._resume_locked(p, timed_out=False)
            if p.state == _RUNNING and not p.stuck and not (
                    self._main_exiting and p.thread is threading.main_thread()):
                busy.append(p)
        busy += self._startable_jobs_locked()

        sleepers = [p for p in everyone if p.state == _WAITING and p.deadline is not None]
        if not sleepers:
            return
        if busy:
            self._check_stall_locked(busy)
            return
        first = min(sleepers, key=lambda p: (p.deadline, p.seq))
        if first.deadline > self._now:
            self._now = first.deadline
        self._resume_locked(first, timed_out=True)

    def _startable_jobs_locked(self):
        """Queued thread-pool jobs a free worker is about to pick up. They
        count as busy; jobs queued behind a full pool do not."""
        queued, active = {}, {}
        for job in self._jobs:
            if job.pool is None:
                continue
            if job.state == _QUEUED:
                if not job.stuck:
                    queued.setdefault(job.pool, []).append(job)
            else:
                active[job.pool] = active.get(job.pool, 0) + 1
        return [job for pool, jobs in queued.items()
                if active.get(pool, 0) < pool._max_workers for job in jobs]

    def _check_stall_locked(self, busy):
        now = _real_monotonic()
        if self._stall_since is None:
            self._stall_since = now
            return
        if now - self._stall_since < _STALL_LIMIT:
            return
        for p in busy:
            p.stuck = True
        if not self._warned:
            self._warned = True
            names = ", ".join(sorted({p.thread.name if p.thread else "an executor job"
                                      for p in busy}))
            print(f"aio_twin: virtual time waited {_STALL_LIMIT:.0f} s of real time for "
                  f"{names} to wait or finish; it moves on without them, so timings "
                  "from here on may differ between runs", file=sys.stderr, flush=True)
        self._stall_since = None
        self._advance_locked()

    def _after_fork_in_child(self):
        # Only the forking thread exists in the child, and the lock may have
        # been held by a thread that is gone.
        self._cond = _RawCondition(_thread.allocate_lock())
        self._threads = {t: p for t, p in self._threads.items()
                         if t is threading.current_thread()}
        self._jobs = {}
        self._stall_since = None


CLOCK = VirtualClock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=lambda: CLOCK._after_fork_in_child())


# ---------------------------------------------------------------------------
# The event loop
# ---------------------------------------------------------------------------

class _VirtualTimeSelector(selectors.BaseSelector):
    """The real selector, except that waiting with a timeout is virtual.

    Ready I/O is always reported first (a select with timeout 0). When none is
    ready the loop waits on the clock, with the timeout asyncio computed as
    its deadline, so the time advances by exactly that float. Real I/O is still
    watched meanwhile: a wait with no timeout is a real blocking select.
    """

    def __init__(self, clock: VirtualClock):
        self._real = selectors.DefaultSelector()
        self._clock = clock
        self._loop = None

    def attach(self, loop):
        self._loop = loop

    def register(self, fileobj, events, data=None):
        return self._real.register(fileobj, events, data)

    def unregister(self, fileobj):
        return self._real.unregister(fileobj)

    def modify(self, fileobj, events, data=None):
        return self._real.modify(fileobj, events, data)

    def get_key(self, fileobj):
        return self._real.get_key(fileobj)

    def get_map(self):
        return self._real.get_map()

    def close(self):
        self._loop = None
        self._real.close()

    def _io_ready(self) -> bool:
        """Whether a registered file is ready, asked from any thread (a
        fresh poll object: the selector itself belongs to the loop's thread)."""
        poller = select.poll()
        for key in list(self._real.get_map().values()):
            poller.register(key.fd, (select.POLLIN if key.events & selectors.EVENT_READ else 0)
                            | (select.POLLOUT if key.events & selectors.EVENT_WRITE else 0))
        return bool(poller.poll(0))

    def select(self, timeout=None):
        events = self._real.select(0)
        if events or (timeout is not None and timeout <= 0) or self._loop is None:
            return events
        loop = self._loop
        self._clock.wait(
            timeout,
            # The loop is busy again as soon as another thread has queued a
            # callback for it (call_soon_threadsafe fills _ready before it
            # wakes the loop) or has made one of its files ready: before
            # the loop itself has woken up, time must not move.
            until=lambda: bool(loop._ready) or self._io_ready(),
            block=self._real.select,
            wake=loop._write_to_self,
        )
        # Report whatever is ready at the moment the wait ended, as a real
        # select would, so I/O and due timers run in the same iteration.
        return self._real.select(0)


_virtual = False


class TwinEventLoop(asyncio.SelectorEventLoop):
    """The event loop of every twin.

    On both clocks it fires timers with equal deadlines in scheduling order,
    and names unnamed tasks from a counter each section restarts.
    On the virtual clock, its time() is the virtual time and its selector
    waits on the virtual clock.
    """

    def __init__(self, virtual: bool | None = None):
        self._virtual_time = _virtual if virtual is None else virtual
        selector = _VirtualTimeSelector(CLOCK) if self._virtual_time else None
        super().__init__(selector)
        if selector is not None:
            selector.attach(self)

    def create_task(self, coro, *, name=None, context=None):
        # Every task asyncio makes (asyncio.run's main task, create_task,
        # gather's and wait's wrappers, TaskGroup children) comes through here.
        if name is None:
            name = f"Task-{next(_task_numbers)}"
        return super().create_task(coro, name=name, context=context)

    def time(self):
        if self._virtual_time:
            return CLOCK.now()
        return super().time()

    def call_at(self, when, callback, *args, context=None):
        # BaseEventLoop.call_at, creating a SequencedTimerHandle.
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, "call_at")
        timer = SequencedTimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer


class TwinEventLoopPolicy(asyncio.DefaultEventLoopPolicy):
    """Makes asyncio.run and asyncio.new_event_loop create TwinEventLoops."""

    _loop_factory = TwinEventLoop


# ---------------------------------------------------------------------------
# What the virtual clock replaces, and how it is switched on and off
# ---------------------------------------------------------------------------

_raw_waits = threading.local()
_original = {
    "condition_wait": threading.Condition.wait,
    "condition_notify": threading.Condition.notify,
    "thread_join": threading.Thread.join,
    "thread_start": threading.Thread.start,
    "pool_submit": concurrent.futures.ThreadPoolExecutor.submit,
    "process_pool_submit": concurrent.futures.process.ProcessPoolExecutor.submit,
    "wrap_future": asyncio.futures.wrap_future,
}


def _virtual_ns():
    return int(CLOCK.now() * 1_000_000_000)


# Whose calls to the time module see the virtual clock. The program's, and
# the parts of the standard library that run the program's waits (their waits
# are virtual too). The rest of the library waits for real things (child
# processes, pipes) and measures those waits with the real clock: given a
# frozen clock, some of its polling loops would never end.
_STDLIB_DIR = os.path.join(sysconfig.get_paths()["stdlib"], "")
_SITE_DIRS = tuple(os.path.join(sysconfig.get_paths()[key], "") for key in ("purelib", "platlib"))
_VIRTUAL_READERS = tuple(
    os.path.join(_STDLIB_DIR, *name.split("/"))
    for name in ("threading.py", "queue.py", "sched.py",
                 "concurrent/futures/_base.py", "concurrent/futures/thread.py"))
# A blocking sleep asyncio runs as a callback (call_soon(time.sleep, 1))
# blocks the loop in virtual time too. asyncio reads the clock through
# loop.time(); a loop that is not a TwinEventLoop keeps the real clock.
_VIRTUAL_SLEEPERS = _VIRTUAL_READERS + (os.path.join(_STDLIB_DIR, "asyncio", ""),)
_sees_virtual_time: dict[tuple[object, bool], bool] = {}


def _caller_sees_virtual_time(code, sleeping: bool) -> bool:
    key = (code, sleeping)
    answer = _sees_virtual_time.get(key)
    if answer is None:
        filename = code.co_filename
        answer = (not filename.startswith(_STDLIB_DIR) or filename.startswith(_SITE_DIRS)
                  or filename.startswith(_VIRTUAL_SLEEPERS if sleeping else _VIRTUAL_READERS))
        _sees_virtual_time[key] = answer
    return answer


def _clock_function(real, virtual, sleeping=False):
    """A time-module function that is `virtual` for the program, `real` for
    the library machinery that must keep real time."""
    def clock_function(*args):
        if _caller_sees_virtual_time(sys._getframe(1).f_code, sleeping):
            return virtual(*args)
        return real(*args)
    clock_function.__name__ = real.__name__
    clock_function.__doc__ = real.__doc__
    return clock_function


def _condition_wait(self, timeout=None):
    """threading.Condition.wait on the virtual clock (the original's waiter
    protocol, with the blocking part replaced)."""
    if getattr(_raw_waits, "on", False) or (timeout is not None and timeout <= 0):
        return _original["condition_wait"](self, timeout)
    if not self._is_owned():
        raise RuntimeError("cannot wait on un-acquired lock")
    waiter = _thread.allocate_lock()
    waiter.acquire()
    self._waiters.append(waiter)
    saved_state = self._release_save()
    gotit = False
    try:
        # notify() releases the waiter lock; that ends the wait.
        CLOCK.wait(timeout, until=lambda: not waiter.locked())
        gotit = waiter.acquire(False)
        return gotit
    finally:
        self._acquire_restore(saved_state)
        if not gotit:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                pass


def _condition_notify(self, n=1):
    _original["condition_notify"](self, n)
    # The clock would notice the notified waiter on its next look; this makes
    # the hand-over as quick as a real one.
    if not getattr(_raw_waits, "on", False):
        CLOCK.poke()


def _thread_join(self, timeout=None):
    if (getattr(_raw_waits, "on", False) or not self._started.is_set()
            or self is threading.current_thread() or isinstance(self, threading._DummyThread)
            or (timeout is not None and timeout <= 0)):
        return _original["thread_join"](self, timeout)   # including its errors
    CLOCK.wait(timeout, until=lambda: not self.is_alive(),
               block=lambda real_seconds: _original["thread_join"](self, real_seconds))
    _original["thread_join"](self, 0)


def _runs_program_code(thread) -> bool:
    """Whether `thread` runs the program's code (a participant from its
    start) rather than library machinery that blocks in ways the clock cannot
    see for its whole life (executor workers, managers, child watchers).
    Executor jobs are tracked as jobs; other library threads join the clock
    only if they wait on it."""
    function = thread._target if thread._target is not None else type(thread).run
    while isinstance(function, functools.partial):
        function = function.func
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    if code is None or code is threading.Timer.run.__code__:
        return True
    filename = code.co_filename
    return not filename.startswith(_STDLIB_DIR) or filename.startswith(_SITE_DIRS)


def _thread_start(self):
    if _runs_program_code(self):
        # Busy from now on: the clock must not move between start() and the
        # new thread's first wait, however late the thread gets going.
        CLOCK.add_thread(self)
    # When the thread's work is done it stops counting at once (otherwise
    # the clock would notice only on its next look).
    run = self.run

    def run_then_leave():
        try:
            run()
        finally:
            CLOCK.forget_thread(self)
    self.run = run_then_leave

    # start() waits for the new thread to say it started, on a condition.
    # That wait is real and takes no virtual time.
    outer = getattr(_raw_waits, "on", False)
    _raw_waits.on = True
    try:
        _original["thread_start"](self)
    except BaseException:
        CLOCK.forget_thread(self)
        raise
    finally:
        _raw_waits.on = outer


def _pool_submit(self, fn, /, *args, **kwargs):
    """ThreadPoolExecutor.submit, with the job tracked by the clock."""
    job = CLOCK.new_job(pool=self)
    try:
        future = _original["pool_submit"](self, CLOCK.run_job, job, fn, args, kwargs)
    except BaseException:
        CLOCK.delivered(job)
        raise
    CLOCK.track(job, future)
    return future


def _process_pool_submit(self, fn, /, *args, **kwargs):
    """ProcessPoolExecutor.submit, with the job tracked by the clock.

    A job in another process is busy until its result is back: the clock
    cannot see it wait, so its computing (and sleeping) takes no virtual time.
    """
    job = CLOCK.new_job()
    try:
        future = _original["process_pool_submit"](self, fn, *args, **kwargs)
    except BaseException:
        CLOCK.delivered(job)
        raise
    CLOCK.track(job, future)
    return future


def _wrap_future(future, *, loop=None):
    """asyncio.wrap_future, holding the job until its result is on the loop.

    Otherwise the loop could find every thread quiet in the instant between
    the job finishing and its result being queued, and let time run past it.
    A future of some other executor (a process pool) is a job busy until then.
    """
    if asyncio.isfuture(future):
        return future
    job = getattr(future, "_aio_twin_job", None)
    if job is None and not future.done():
        job = CLOCK.new_job()
    if job is not None:
        CLOCK.expect_delivery(job)
    new_future = _original["wrap_future"](future, loop=loop)
    if job is not None:
        # Registered after wrap_future's own callback, so it runs after the
        # result has been handed to the loop.
        future.add_done_callback(lambda _f: CLOCK.delivered(job))
    return new_future


def _patches():
    """(owner, attribute, virtual replacement) for everything the clock replaces."""
    now = CLOCK.now
    return [
        *((time, name, _clock_function(getattr(time, name), now))
          for name in ("time", "monotonic", "perf_counter")),
        *((time, name, _clock_function(getattr(time, name), _virtual_ns))
          for name in ("time_ns", "monotonic_ns", "perf_counter_ns")),
        (time, "sleep", _clock_function(time.sleep, CLOCK.sleep, sleeping=True)),
        # threading and queue bound time.monotonic at import; their timeouts
        # must be measured on the same clock their waits run on.
        (threading, "_time", now),
        (queue, "time", now),
        (threading.Condition, "wait", _condition_wait),
        (threading.Condition, "notify", _condition_notify),
        (threading.Thread, "join", _thread_join),
        (threading.Thread, "start", _thread_start),
        (concurrent.futures.ThreadPoolExecutor, "submit", _pool_submit),
        (concurrent.futures.ProcessPoolExecutor, "submit", _process_pool_submit),
        (asyncio.futures, "wrap_future", _wrap_future),
        (asyncio, "wrap_future", _wrap_future),
    ]


_saved: list[tuple[object, str, object]] = []
_exit_hook_registered = False


def _register_exit_hook():
    # At exit the main thread waits for non-daemon threads on a plain lock;
    # the clock must not take it for busy, or their sleeps would never end.
    # threading._register_atexit runs the hook just before that wait.
    global _exit_hook_registered
    if not _exit_hook_registered and hasattr(threading, "_register_atexit"):
        threading._register_atexit(CLOCK.main_thread_exits)
        _exit_hook_registered = True


def use_clock(virtual: bool) -> None:
    """Choose the clock for the rest of the process (or until called again).

    Installs TwinEventLoopPolicy either way. With virtual=True, also makes
    time.time/monotonic/perf_counter read the virtual time and time.sleep and
    thread waits wait on it. Switching back restores the real functions; the
    virtual time keeps its value for the next switch.
    """
    global _virtual
    asyncio.set_event_loop_policy(TwinEventLoopPolicy())
    if virtual and not _virtual:
        with CLOCK._cond:
            CLOCK._participant_locked(threading.main_thread())
        _register_exit_hook()
        for owner, name, replacement in _patches():
            _saved.append((owner, name, getattr(owner, name)))
            setattr(owner, name, replacement)
    elif not virtual and _virtual:
        while _saved:
            owner, name, value = _saved.pop()
            setattr(owner, name, value)
    _virtual = virtual


def virtual_clock_enabled() -> bool:
    return _virtual
