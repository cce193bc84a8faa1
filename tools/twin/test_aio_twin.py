"""Tests of the twin harness (aio_twin) and of tools/check_output.py.

Run from the repository root:

    python3 -m unittest discover -s tools/twin -p 'test_*.py'
"""

import asyncio
import concurrent.futures
import contextlib
import heapq
import importlib.util
import io
import os
import queue
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import aio_twin  # noqa: E402

SAMPLE = HERE / "testdata" / "sample_twin.py"
CHECK_OUTPUT = HERE.parent / "check_output.py"
REAL_PERF_COUNTER = time.perf_counter
REAL_SLEEP = time.sleep


def start_twin(*args, env_extra=None, script=SAMPLE):
    env = dict(os.environ, PYTHONPATH=str(HERE))
    env.pop("AIO_CLOCK", None)
    env.update(env_extra or {})
    return subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def finish(process):
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_twin(*args, **options):
    return finish(start_twin(*args, **options))


SAMPLE_ALL_VIRTUAL = """\
=== hello ===
hello from the sample twin
second line

=== sleeps ===
ten sleeps of 0.1 s took 1.00 s
both runs took 6.00 s

=== dice ===
[6, 1, 1, 6, 3]

=== timers ===
timers fired in order [0, 1, 2, 3, 4]

=== threads ===
three 1 s sleeps in threads took 1.00 s
a blocking sleep on the loop took 0.50 s

=== names ===
Task-1 Task-2
"""


# Every command line the tests below try. They all start at once (each
# interpreter takes a while to start), and the tests read the results.
TWIN_RUNS = {
    "list": ["--list"],
    "all": ["--virtual-time"],
    "dice": ["--section", "dice"],
    "names": ["--section", "names"],
    "virtual first": ["--virtual-time", "--section", "sleeps"],
    "virtual last": ["--section", "sleeps", "--virtual-time"],
    "list wins": ["--section", "dice", "--list"],
    "last section wins": ["--section", "hello", "--section", "dice"],
    "help": ["--help", "--bogus"],
    "-h": ["-h"],
    "unknown section": ["--section", "nope"],
    "unknown option": ["--bogus"],
    "positional": ["dice"],
    "no section name": ["--virtual-time", "--section"],
    "error before help": ["--section", "nope", "--help"],
}


class CommandLineTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        started = REAL_PERF_COUNTER()
        processes = {key: start_twin(*args) for key, args in TWIN_RUNS.items()}
        processes["environment"] = start_twin("--section", "sleeps",
                                              env_extra={"AIO_CLOCK": "virtual"})
        cls.runs = {key: finish(process) for key, process in processes.items()}
        cls.real_seconds = REAL_PERF_COUNTER() - started

    def test_list_prints_the_names(self):
        done = self.runs["list"]
        self.assertEqual(done.returncode, 0)
        self.assertEqual(done.stdout, "hello\nsleeps\ndice\ntimers\nthreads\nnames\n")

    def test_all_sections_with_headers_and_blank_lines_between(self):
        done = self.runs["all"]
        self.assertEqual((done.returncode, done.stderr), (0, ""))
        self.assertEqual(done.stdout, SAMPLE_ALL_VIRTUAL)
        # The runs sleep 8.5 s of virtual time and did not wait for it: all
        # of them together took less real time than that. (Not a speed limit:
        # on a busy machine starting the interpreters takes seconds.)
        self.assertLess(self.real_seconds, 8.5)

    def test_one_section_has_no_header_and_the_same_state(self):
        done = self.runs["dice"]
        self.assertEqual((done.returncode, done.stdout), (0, "[6, 1, 1, 6, 3]\n"))
        self.assertEqual(self.runs["names"].stdout, "Task-1 Task-2\n")

    def test_options_combine_in_any_order(self):
        for key in ("virtual first", "virtual last"):
            self.assertEqual(self.runs[key].stdout,
                             "ten sleeps of 0.1 s took 1.00 s\nboth runs took 6.00 s\n")

    def test_environment_selects_the_virtual_clock(self):
        self.assertEqual(self.runs["environment"].stdout,
                         "ten sleeps of 0.1 s took 1.00 s\nboth runs took 6.00 s\n")

    def test_list_wins_over_section_and_the_last_section_wins(self):
        self.assertEqual(self.runs["list wins"].stdout, self.runs["list"].stdout)
        self.assertEqual(self.runs["last section wins"].stdout, "[6, 1, 1, 6, 3]\n")

    def test_help(self):
        for key in ("help", "-h"):
            done = self.runs[key]
            self.assertEqual(done.returncode, 0)
            self.assertTrue(done.stdout.startswith(
                "Sample chapter: what the harness promises\n\nusage: "))
            self.assertIn("  --section NAME   run one section\n", done.stdout)

    def test_usage_errors_exit_2(self):
        unknown_section = "error: unknown section 'nope' (use --list to see the sections)\n"
        cases = {
            "unknown section": unknown_section,
            "unknown option": "error: unknown option '--bogus' (use --help)\n",
            "positional": "error: unknown option 'dice' (use --help)\n",
            "no section name": "error: --section needs a section name\n",
            # Read left to right: the error comes before the help.
            "error before help": unknown_section,
        }
        for key, message in cases.items():
            with self.subTest(key):
                done = self.runs[key]
                self.assertEqual((done.returncode, done.stdout, done.stderr), (2, "", message))

    def test_a_failing_section_exits_1_with_a_traceback(self):
        with tempfile.TemporaryDirectory() as tmp:
            script = Path(tmp) / "failing_twin.py"
            script.write_text(textwrap.dedent("""\
                from aio_twin import run_chapter

                def fine():
                    print("fine")

                def broken():
                    print("about to fail")
                    raise RuntimeError("section broke")

                run_chapter("Failing", [("fine", fine), ("broken", broken), ("later", fine)])
                """))
            done = run_twin(script=script)
        self.assertEqual(done.returncode, 1)
        self.assertEqual(done.stdout, "=== fine ===\nfine\n\n=== broken ===\nabout to fail\n")
        self.assertIn("Traceback (most recent call last):", done.stderr)
        self.assertIn("RuntimeError: section broke", done.stderr)


class VirtualClockTests(unittest.TestCase):
    def setUp(self):
        aio_twin.use_clock(virtual=True)
        self.real_start = REAL_PERF_COUNTER()

    def tearDown(self):
        aio_twin.use_clock(virtual=False)

    def assertTimesEqual(self, actual, expected):
        # The virtual clock is shared by all the tests in this process, and
        # durations measured far from 0.0 carry float rounding (a fresh
        # program starts at 0.0: the sample twin's tests check exact output).
        if isinstance(expected, tuple):
            self.assertEqual(len(actual), len(expected))
            for a, e in zip(actual, expected):
                self.assertAlmostEqual(a, e, places=9)
        else:
            self.assertAlmostEqual(actual, expected, places=9)

    def assertNoRealTimePassed(self):
        self.assertLess(REAL_PERF_COUNTER() - self.real_start, 1.0)

    def test_asyncio_sleep_takes_no_real_time(self):
        async def main():
            loop = asyncio.get_running_loop()
            start, perf_start = loop.time(), time.perf_counter()
            await asyncio.sleep(5)
            return loop.time() - start, time.perf_counter() - perf_start

        self.assertTimesEqual(asyncio.run(main()), (5.0, 5.0))
        self.assertNoRealTimePassed()

    def test_two_runs_add_up(self):
        start = time.perf_counter()
        asyncio.run(asyncio.sleep(1.5))
        asyncio.run(asyncio.sleep(2.5))
        self.assertTimesEqual(time.perf_counter() - start, 4.0)
        self.assertTimesEqual(time.monotonic() - start, 4.0)
        self.assertNoRealTimePassed()

    def test_small_sleeps_sum_exactly_enough(self):
        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            for _ in range(10):
                await asyncio.sleep(0.1)
            return f"{loop.time() - start:.2f}"

        self.assertEqual(asyncio.run(main()), "1.00")

    def test_blocking_sleep_takes_virtual_time(self):
        start = time.perf_counter()
        time.sleep(2.5)
        self.assertTimesEqual(time.perf_counter() - start, 2.5)

        async def main():   # a blocking sleep blocks the loop, as for real
            loop = asyncio.get_running_loop()
            ticks = []
            loop.call_later(0.1, lambda: ticks.append(loop.time()))
            start = loop.time()
            time.sleep(1)
            await asyncio.sleep(0)
            await asyncio.sleep(0)
            return ticks[0] - start

        self.assertTimesEqual(asyncio.run(main()), 1.0)
        self.assertNoRealTimePassed()
        with self.assertRaises(ValueError):
            time.sleep(-1)

    def test_blocking_sleeps_in_threads_overlap(self):
        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            await asyncio.gather(*(asyncio.to_thread(time.sleep, 1) for _ in range(3)))
            return loop.time() - start

        self.assertTimesEqual(asyncio.run(main()), 1.0)

        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(time.sleep, [1, 1, 1, 1]))   # two rounds of two
        self.assertTimesEqual(time.perf_counter() - start, 2.0)
        self.assertNoRealTimePassed()

    def test_a_timeout_on_a_thread_fires_on_time(self):
        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            with self.assertRaises(TimeoutError):
                await asyncio.wait_for(asyncio.to_thread(time.sleep, 2), 1)
            return loop.time() - start

        start = time.perf_counter()
        self.assertTimesEqual(asyncio.run(main()), 1.0)
        # asyncio.run waits for the abandoned thread before it returns.
        self.assertTimesEqual(time.perf_counter() - start, 2.0)

    def test_thread_waits_are_virtual(self):
        items = queue.Queue()
        seen = []

        def consumer():
            seen.append((items.get(), time.monotonic()))

        start = time.monotonic()
        thread = threading.Thread(target=consumer)
        thread.start()
        time.sleep(1)
        items.put("item")
        thread.join()
        self.assertEqual(seen[0][0], "item")
        self.assertTimesEqual(seen[0][1] - start, 1.0)

        sleeper = threading.Thread(target=time.sleep, args=(2,))
        start = time.monotonic()
        sleeper.start()
        sleeper.join()
        self.assertTimesEqual(time.monotonic() - start, 2.0)
        self.assertNoRealTimePassed()

    def test_a_new_thread_holds_the_clock_until_it_waits(self):
        stamps = []

        def worker():
            aio_twin._real_sleep(0.05)   # however long it takes to get going...
            time.sleep(1)         # ...this sleep starts at virtual time 0
            stamps.append(("worker", time.monotonic() - start))

        start = time.monotonic()
        thread = threading.Thread(target=worker)
        thread.start()
        time.sleep(0.5)
        stamps.append(("main", time.monotonic() - start))
        time.sleep(1)
        thread.join()
        self.assertEqual([who for who, _ in stamps], ["main", "worker"])
        self.assertTimesEqual(tuple(t for _, t in stamps), (0.5, 1.0))

    def test_process_pool_jobs_hold_the_clock(self):
        async def main():
            loop = asyncio.get_running_loop()
            start = loop.time()
            with concurrent.futures.ProcessPoolExecutor(max_workers=1) as pool:
                result, _ = await asyncio.gather(loop.run_in_executor(pool, abs, -3),
                                                 asyncio.sleep(0.3))
            return result, loop.time() - start

        self.assertTimesEqual(asyncio.run(main()), (3, 0.3))

    def test_library_code_keeps_the_real_clock(self):
        # A frozen clock would hang the library's polling loops (multiprocessing,
        # subprocess): code in the standard library reads the real clock.
        fake_stdlib_file = os.path.join(aio_twin._STDLIB_DIR, "not_a_module.py")
        namespace = {}
        exec(compile("import time\nnow = time.monotonic()", fake_stdlib_file, "exec"), namespace)
        self.assertGreater(abs(namespace["now"] - time.monotonic()), 0)
        self.assertLess(abs(namespace["now"] - aio_twin._real_monotonic()), 1.0)
        done = subprocess.run([sys.executable, "-c", "print('ok')"], capture_output=True,
                              text=True, timeout=30)
        self.assertEqual(done.stdout, "ok\n")

    def test_switching_back_restores_the_real_functions(self):
        aio_twin.use_clock(virtual=False)
        self.assertIs(time.perf_counter, REAL_PERF_COUNTER)
        self.assertIs(time.sleep, REAL_SLEEP)
        start = REAL_PERF_COUNTER()
        time.sleep(0.05)
        self.assertGreaterEqual(REAL_PERF_COUNTER() - start, 0.04)


class EqualDeadlineTests(unittest.TestCase):
    """Timers due at the same moment fire in the order they were scheduled."""

    def tearDown(self):
        aio_twin.use_clock(virtual=False)

    def test_a_plain_heap_does_not_keep_that_order(self):
        # Why SequencedTimerHandle exists: CPython's handles compare by
        # deadline only, and a heap is not stable.
        loop = asyncio.new_event_loop()
        try:
            heap = []
            for n in range(50):
                heapq.heappush(heap, asyncio.TimerHandle(1.0, print, (n,), loop))
            order = [heapq.heappop(heap)._args[0] for _ in range(50)]
        finally:
            loop.close()
        self.assertNotEqual(order, list(range(50)))

    def test_call_later_on_the_virtual_clock(self):
        aio_twin.use_clock(virtual=True)

        async def main():
            loop = asyncio.get_running_loop()
            fired = []
            for n in range(50):
                loop.call_later(1.0, fired.append, n)   # the same deadline: time stands still
            await asyncio.sleep(2)
            return fired

        self.assertEqual(asyncio.run(main()), list(range(50)))

    def test_call_at_on_the_real_clock(self):
        aio_twin.use_clock(virtual=False)

        async def main():
            loop = asyncio.get_running_loop()
            fired = []
            when = loop.time() + 0.01
            for n in range(50):
                loop.call_at(when, fired.append, n)
            await asyncio.sleep(0.05)
            return fired

        self.assertEqual(asyncio.run(main()), list(range(50)))

    def test_sleeping_tasks_resume_in_creation_order(self):
        aio_twin.use_clock(virtual=True)

        async def main():
            woke = []

            async def sleeper(n):
                await asyncio.sleep(1)
                woke.append(n)

            await asyncio.gather(*(sleeper(n) for n in range(30)))
            return woke

        self.assertEqual(asyncio.run(main()), list(range(30)))

    def test_handles_compare_by_deadline_then_order(self):
        loop = aio_twin.TwinEventLoop(virtual=False)
        try:
            first = loop.call_at(5.0, print)
            second = loop.call_at(5.0, print)
            earlier = loop.call_at(4.0, print)
            self.assertTrue(first < second and second > first and first <= second)
            self.assertTrue(earlier < first and not first == second and first == first)
            for handle in (first, second, earlier):
                handle.cancel()
        finally:
            loop.close()


def load_check_output():
    spec = importlib.util.spec_from_file_location("check_output", CHECK_OUTPUT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class CheckOutputTests(unittest.TestCase):
    """tools/check_output.py, run in this process on small shell commands."""

    check_output = load_check_output()

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = Path(self.tmp.name)

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, expected_text, shell, *options, stderr_text=None):
        """Returns (exit status, what check_output printed)."""
        expected = self.dir / "expected.out"
        if expected_text is not None:
            expected.write_text(expected_text)
        args = ["--expected", str(expected)]
        if stderr_text is not None:
            (self.dir / "expected.err").write_text(stderr_text)
            args += ["--expected-stderr", str(self.dir / "expected.err")]
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            status = self.check_output.main([*args, *options, "--", "sh", "-c", shell])
        return status, printed.getvalue()

    def test_match(self):
        status, printed = self.check("a\nb\n", "printf 'a\\nb\\n'")
        self.assertEqual(status, 0, printed)

    def test_mismatch_shows_a_unified_diff(self):
        status, printed = self.check("a\nb\n", "printf 'a\\nc\\n'")
        self.assertEqual(status, 1)
        self.assertIn("--- " + str(self.dir / "expected.out"), printed)
        self.assertIn("\n-b\n+c\n", printed)

    def test_a_missing_final_newline_is_a_visible_difference(self):
        status, printed = self.check("a\n", "printf a")
        self.assertEqual(status, 1)
        self.assertIn("\\ No newline at end of file", printed)

    def test_measured_matches_any_text_within_a_line(self):
        self.assertEqual(self.check("took <measured> ns\n", "echo 'took 123 ns'")[0], 0)
        status, printed = self.check("took <measured> ns\nend\n", "echo 'took 1 ns'; echo END")
        self.assertEqual(status, 1)
        self.assertNotIn("+took 1 ns", printed)   # only the real difference is shown
        self.assertIn("+END", printed)

    def test_a_failing_command_fails_with_its_output(self):
        status, printed = self.check("x\n", "echo out; echo err >&2; exit 3")
        self.assertEqual(status, 1)
        self.assertIn("exited with status 3", printed)
        self.assertIn("out\n", printed)
        self.assertIn("err\n", printed)

    def test_stderr_is_checked_only_when_asked(self):
        shell = "echo out; echo warning >&2"
        self.assertEqual(self.check("out\n", shell)[0], 0)
        self.assertEqual(self.check("out\n", shell, stderr_text="warning\n")[0], 0)
        status, printed = self.check("out\n", shell, stderr_text="other\n")
        self.assertEqual(status, 1)
        self.assertIn("+warning", printed)

    def test_write_records_the_output(self):
        shell = "echo recorded; echo note >&2"
        status, printed = self.check(None, shell, "--write", stderr_text="")
        self.assertEqual(status, 0, printed)
        self.assertIn("wrote", printed)
        self.assertEqual((self.dir / "expected.out").read_text(), "recorded\n")
        self.assertEqual((self.dir / "expected.err").read_text(), "note\n")
        self.assertEqual(self.check("recorded\n", shell)[0], 0)

    def test_a_missing_expected_file_fails(self):
        status, printed = self.check(None, "echo x")
        self.assertEqual(status, 1)
        self.assertIn("does not exist", printed)


if __name__ == "__main__":
    unittest.main()
