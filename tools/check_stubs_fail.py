#!/usr/bin/env python3
"""Checks that every exercise test fails on the untouched stubs.

Builds the exercise tests in learner mode (against exercises/, not solutions/)
in a build folder of its own, runs each exercise's test program, and fails if
any single test passes: a test that passes before the learner wrote anything
checks nothing.

    check_stubs_fail.py --source REPO --build BUILD_DIR
"""

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from cmake_lists import listed  # tools/, this script's own folder


def exercise_ids(source: Path) -> list[str]:
    """The ids (e01, e02, ...) in exercises/exercise_list.cmake, in order."""
    folders = listed(source / "exercises" / "exercise_list.cmake", "AIO_EXERCISES")
    return [re.match(r"e\d+", folder).group(0) for folder in folders]


def run(command: list[str]) -> None:
    print("+", " ".join(command), flush=True)
    subprocess.run(command, check=True)


def tests_that_passed(program: Path) -> tuple[int, list[str]]:
    """Runs one test program; returns how many tests ran and which passed."""
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.json"
        subprocess.run([str(program), f"--gtest_output=json:{report}"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env={"AIO_CLOCK": "virtual"}, timeout=120)
        if not report.exists():
            raise SystemExit(f"{program.name} wrote no report: did it crash?")
        suites = json.loads(report.read_text())["testsuites"]
    ran, passed = 0, []
    for suite in suites:
        for test in suite["testsuite"]:
            ran += 1
            if not test.get("failures"):
                passed.append(f"{suite['name']}.{test['name']}")
    return ran, passed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--build", type=Path, required=True)
    options = parser.parse_args()

    run(["cmake", "-S", str(options.source), "-B", str(options.build),
         "-DCMAKE_BUILD_TYPE=Debug", "-DAIO_LEARNER_MODE=ON", "-DAIO_BUILD_BENCHMARKS=OFF"])
    run(["cmake", "--build", str(options.build), "-j2", "--target", "exercise_tests"])

    vacuous = []
    for exercise in exercise_ids(options.source):
        ran, passed = tests_that_passed(options.build / "tests" / f"test_{exercise}")
        print(f"{exercise}: {ran} tests, {ran - len(passed)} fail on the stub")
        if ran == 0:
            vacuous.append(f"{exercise}: no tests at all")
        vacuous += [f"{exercise}: {name} passes on the untouched stub" for name in passed]

    for problem in vacuous:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if vacuous else 0


if __name__ == "__main__":
    sys.exit(main())
