#!/usr/bin/env python3
"""Cancels a program's main task at every suspension, one run each.

usage: inject_cancellation.py [--gtest] [--only NAME]... [--max-runs N] [--timeout S] -- PROGRAM

PROGRAM is a chapter program, whose parts are its sections, or with --gtest a
GoogleTest program of the exercises, whose parts are its tests. For each part
(all of them, unless --only names some), runs it once on the virtual clock
counting how many times its tasks suspend, N, then once cancelling its main
task at the k-th suspension for each k in 1..N, or for at most --max-runs
values spread over 1..N (1 and N always among them) when N is larger.

A chapter program takes --count-suspensions and --cancel-at K; a section cut
short by the injected CancelledError exits with status 0, as every run must.
An exercise test reads AIO_COUNT_SUSPENSIONS and AIO_CANCEL_AT from the
environment; a cancelled test fails (status 1), which is fine, but it must
fail as a test does: GoogleTest reports it and the program ends normally.
Either way no run may take longer than the timeout or have a sanitizer report
on standard error. Stops at the first run that fails, naming the command that
replays it and showing the head of its standard error.

Exit status: 0 when every run passed, 1 at the first failure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

SANITIZER_REPORTS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")
STDERR_LINES_SHOWN = 40


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Cancel PROGRAM's main task at each suspension, one run per suspension.",
        usage="%(prog)s [--gtest] [--only NAME]... [--max-runs N] [--timeout S] -- PROGRAM")
    parser.add_argument("--gtest", action="store_true",
                        help="PROGRAM is a GoogleTest program: its tests are the parts")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help="a section (or test) to run (repeatable; default: all)")
    parser.add_argument("--max-runs", type=int, default=50, metavar="N",
                        help="at most this many cancelled runs per part (default: 50)")
    parser.add_argument("--timeout", type=float, default=20, metavar="S",
                        help="seconds a run may take before it counts as a hang (default: 20)")
    if "--" not in argv:
        parser.error("no program given (put it after --)")
    split = argv.index("--")
    args = parser.parse_args(argv[:split])
    if len(argv) != split + 2:
        parser.error("give exactly one program after --")
    if args.max_runs < 2:
        parser.error("--max-runs must be at least 2")
    args.program = argv[split + 1]
    return args


def points(count: int, max_runs: int) -> list[int]:
    """1..count, or max_runs of them spread evenly, first and last included."""
    if count <= max_runs:
        return list(range(1, count + 1))
    step = (count - 1) / (max_runs - 1)
    return sorted({1 + round(i * step) for i in range(max_runs)})


def parts(program: str, gtest: bool) -> list[str]:
    """The sections of a chapter program, or the Suite.Test names of a GoogleTest program."""
    if not gtest:
        return subprocess.run([program, "--list"], check=True, capture_output=True,
                              text=True).stdout.split()
    listing = subprocess.run([program, "--gtest_list_tests"], check=True, capture_output=True,
                             text=True).stdout
    names, suite = [], ""
    for line in listing.splitlines():
        if not line.startswith(" "):
            suite = line.split()[0]
        else:
            names.append(suite + line.split()[0])
    return names


class Run:
    """One run of one part: counting suspensions (k = None) or cancelling at the k-th."""

    def __init__(self, args: argparse.Namespace, part: str, k: int | None):
        self.gtest = args.gtest
        self.counting = k is None
        self.env = {"AIO_CLOCK": "virtual"}
        if self.gtest:
            self.command = [args.program, f"--gtest_filter={part}"]
            if k is None:
                self.env["AIO_COUNT_SUSPENSIONS"] = "1"
            else:
                self.env["AIO_CANCEL_AT"] = str(k)
        else:
            self.command = [args.program, "--virtual-time", "--section", part]
            self.command += ["--count-suspensions"] if k is None else ["--cancel-at", str(k)]
        self.failure = ""
        self.cut = False
        try:
            done = subprocess.run(self.command, capture_output=True, timeout=args.timeout,
                                  env={**os.environ, **self.env})
        except subprocess.TimeoutExpired:
            self.stderr = ""
            self.failure = f"still running after {args.timeout:g} s (a hang?)"
            return
        self.stderr = done.stderr.decode("utf-8", errors="replace")
        stdout = done.stdout.decode("utf-8", errors="replace")
        report = next((text for text in SANITIZER_REPORTS if text in self.stderr), None)
        # A cancelled exercise test fails, but only as GoogleTest reports a failure.
        failed_test = (self.gtest and not self.counting and done.returncode == 1
                       and "[  FAILED  ]" in stdout)
        if report is not None:
            self.failure = f"a sanitizer reported '{report}'"
        elif done.returncode != 0 and not failed_test:
            self.failure = f"exit status {done.returncode}"
        self.cut = failed_test or "as --cancel-at asked" in self.stderr

    def report(self) -> None:
        replay = " ".join([*(f"{name}={value}" for name, value in self.env.items()),
                           *self.command])
        print(f"FAILED: {replay}\n  {self.failure}", file=sys.stderr)
        head = self.stderr.splitlines()[:STDERR_LINES_SHOWN]
        if head:
            print("  standard error began:\n    " + "\n    ".join(head), file=sys.stderr)

    def suspensions(self) -> int:
        last = (self.stderr.splitlines() or [""])[-1]
        prefix = "suspensions: "
        if not last.startswith(prefix):
            raise SystemExit(f"expected '{prefix}N' last on standard error, got {last!r}")
        return int(last[len(prefix):])


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    runs = 0
    for part in args.only or parts(args.program, args.gtest):
        counted = Run(args, part, None)
        if counted.failure:
            counted.report()
            return 1
        count = counted.suspensions()
        chosen = points(count, args.max_runs)
        cut = 0
        for k in chosen:
            run = Run(args, part, k)
            if run.failure:
                run.report()
                return 1
            cut += run.cut
        runs += 1 + len(chosen)
        print(f"{part}: {count} suspensions; cancelled at {len(chosen)} of them, "
              f"{cut} cut the run short")
    print(f"{runs} runs passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
