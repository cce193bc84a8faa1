#!/usr/bin/env python3
"""Runs a program and compares what it prints with an expected-output file.

usage: check_output.py --expected FILE [--expected-stderr FILE] [--write] -- CMD ARGS...

The command's standard output must equal FILE exactly (compared as UTF-8
text, line endings included). In an expected line, `<measured>` stands for a
number that is measured rather than computed (it changes from run to run): it
matches any text within that line. With --expected-stderr the standard error
must match that file too; otherwise it is not checked, only shown on failure.

--write runs the command and (re)writes the expected file(s) from its output
instead of comparing; authors use it to create expected files (then read
them, and put `<measured>` where a number is measured).

Exit status: 0 when the output matches (or was written), 1 when it differs or
the command failed (exit status, timeout, not UTF-8), 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shlex
import subprocess
import sys
from pathlib import Path

TIMEOUT_SECONDS = 120
MEASURED = "<measured>"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run CMD and compare its output with expected files.",
        usage="%(prog)s --expected FILE [--expected-stderr FILE] [--write] -- CMD [ARGS...]")
    parser.add_argument("--expected", required=True, type=Path, metavar="FILE",
                        help="what CMD must print on standard output")
    parser.add_argument("--expected-stderr", type=Path, metavar="FILE",
                        help="what CMD must print on standard error "
                             "(without it, standard error is not checked)")
    parser.add_argument("--write", action="store_true",
                        help="write the expected file(s) from CMD's output instead of comparing")
    # Everything after the first "--" is the command, even words that look
    # like our options (the chapter programs take --section, --list, ...).
    if "--" in argv:
        split = argv.index("--")
        ours, command = argv[:split], argv[split + 1:]
    else:
        ours, command = argv, []
    args = parser.parse_args(ours)
    if not command:
        parser.error("no command given (put it after --)")
    args.command = command
    return args


class NotUtf8(Exception):
    pass


def decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise NotUtf8(f"{what} is not valid UTF-8 ({error})") from None


def line_matches(expected: str, actual: str) -> bool:
    if MEASURED not in expected:
        return expected == actual
    # `.` stops at a newline, so a wildcard never swallows a line ending.
    pattern = ".+".join(re.escape(part) for part in expected.split(MEASURED))
    return re.fullmatch(pattern, actual) is not None


def differences(expected_text: str, actual_text: str,
                expected_label: str, actual_label: str) -> str:
    """'' if the texts match, else a unified diff from expected to actual."""
    expected = expected_text.splitlines(keepends=True)
    actual = actual_text.splitlines(keepends=True)
    if len(expected) == len(actual) and all(map(line_matches, expected, actual)):
        return ""
    # A line that a wildcard matches is shown as its expected line, so the
    # diff points at the real differences, not at every measured number.
    shown = [expected[i] if i < len(expected) and MEASURED in expected[i]
             and line_matches(expected[i], line) else line
             for i, line in enumerate(actual)]
    out = []
    for line in difflib.unified_diff(expected, shown, fromfile=expected_label, tofile=actual_label):
        # Like diff(1): make a missing final newline visible, so a difference
        # in line endings alone never looks like an empty diff.
        out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(out)


def show_stream(name: str, text: str) -> None:
    if not text:
        print(f"--- {name}: (empty) ---")
        return
    print(f"--- {name} ---")
    print(text, end="" if text.endswith("\n") else "\n\\ No newline at end of file\n")


def run(args: argparse.Namespace) -> int:
    shown = shlex.join(args.command)
    try:
        done = subprocess.run(args.command, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=TIMEOUT_SECONDS)
    except OSError as error:   # not found, not executable
        print(f"FAILED: cannot run {shown}: {error}")
        return 1
    except subprocess.TimeoutExpired as expired:
        print(f"FAILED: {shown} did not finish within {TIMEOUT_SECONDS} s")
        show_stream("stdout (so far)", (expired.stdout or b"").decode("utf-8", "replace"))
        show_stream("stderr (so far)", (expired.stderr or b"").decode("utf-8", "replace"))
        return 1

    stdout_shown = done.stdout.decode("utf-8", "replace")
    stderr_shown = done.stderr.decode("utf-8", "replace")
    if done.returncode != 0:
        how = (f"was killed by signal {-done.returncode}" if done.returncode < 0
               else f"exited with status {done.returncode}")
        print(f"FAILED: {shown} {how}")
        show_stream("stdout", stdout_shown)
        show_stream("stderr", stderr_shown)
        return 1

    streams = [("standard output", args.expected, done.stdout)]
    if args.expected_stderr is not None:
        streams.append(("standard error", args.expected_stderr, done.stderr))

    if args.write:
        for name, path, data in streams:
            decode(data, f"the {name} of {shown}")   # never record what cannot be compared
        for name, path, data in streams:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path} ({len(data.splitlines())} lines of {name})")
        return 0

    failed = False
    for name, path, data in streams:
        if not path.is_file():
            print(f"FAILED: the expected {name} file {path} does not exist "
                  "(create it with --write, then read it)")
            failed = True
            continue
        expected = decode(path.read_bytes(), str(path))
        actual = decode(data, f"the {name} of {shown}")
        diff = differences(expected, actual, str(path), f"{name} of {shown}")
        if diff:
            print(f"FAILED: the {name} of {shown} differs from {path}:")
            print(diff, end="")
            failed = True
    if failed:
        if args.expected_stderr is None:
            show_stream("stderr (not checked)", stderr_shown)
        return 1
    print(f"output matches {args.expected}")
    return 0


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        return run(args)
    except NotUtf8 as error:
        print(f"FAILED: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
