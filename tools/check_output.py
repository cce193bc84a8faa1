#!/usr/bin/env python3
"""Runs a program and compares what it prints with an expected-output file.

usage: check_output.py --expected FILE [--expected-stderr FILE] [--write] -- CMD ARGS...

The command's standard output must equal FILE, line for line. In an expected
line, `<measured>` stands for a number that is measured rather than computed
(it changes from run to run): it matches any text. With --expected-stderr the
standard error must match that file too; otherwise it is only shown on failure.
--write saves the actual output as the expected file(s) instead of comparing.
"""
import argparse
import difflib
import pathlib
import re
import subprocess
import sys

MEASURED = "<measured>"


def line_matches(expected: str, actual: str) -> bool:
    if MEASURED not in expected:
        return expected == actual
    pattern = ".+".join(re.escape(part) for part in expected.split(MEASURED))
    return re.fullmatch(pattern, actual) is not None


def differences(expected_text: str, actual_text: str, label: str, command: str) -> list[str]:
    expected = expected_text.splitlines(keepends=True)
    actual = actual_text.splitlines(keepends=True)
    if len(expected) == len(actual) and all(map(line_matches, expected, actual)):
        return []
    return list(difflib.unified_diff(expected, actual, fromfile=label, tofile=command))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--expected", required=True, type=pathlib.Path)
    parser.add_argument("--expected-stderr", type=pathlib.Path)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given after --")

    shown = " ".join(command)
    try:
        run = subprocess.run(command, stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        print(f"FAILED: {shown} did not finish within 120 s")
        return 1
    stdout = run.stdout.decode("utf-8", errors="replace")
    stderr = run.stderr.decode("utf-8", errors="replace")
    if run.returncode != 0:
        print(f"FAILED: {shown} exited with {run.returncode}")
        print("--- stdout ---\n" + stdout + "--- stderr ---\n" + stderr, end="")
        return 1

    if args.write:
        args.expected.parent.mkdir(parents=True, exist_ok=True)
        args.expected.write_text(stdout, encoding="utf-8")
        print(f"wrote {args.expected}")
        if args.expected_stderr:
            args.expected_stderr.write_text(stderr, encoding="utf-8")
            print(f"wrote {args.expected_stderr}")
        return 0

    failed = False
    diff = differences(args.expected.read_text(encoding="utf-8"), stdout, str(args.expected), shown)
    if diff:
        failed = True
        print(f"standard output differs from {args.expected}:")
        print("".join(diff), end="")
    if args.expected_stderr:
        diff = differences(args.expected_stderr.read_text(encoding="utf-8"), stderr,
                           str(args.expected_stderr), shown + " (stderr)")
        if diff:
            failed = True
            print(f"standard error differs from {args.expected_stderr}:")
            print("".join(diff), end="")
    if failed:
        if stderr and not args.expected_stderr:
            print("--- stderr ---\n" + stderr, end="")
        return 1
    print(f"output matches {args.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
