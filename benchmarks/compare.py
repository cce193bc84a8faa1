#!/usr/bin/env python3
"""Runs the core benchmarks in C++ (aio) and in Python (asyncio) and prints
one table of medians, their ratio and the targets.

    python3 benchmarks/compare.py build/default/benchmarks/core_benchmarks

The C++ program runs with --benchmark_format=json and
--benchmark_repetitions=5; its numbers are the medians of those repetitions.
benchmarks/core_benchmarks.py runs as a subprocess of this interpreter, with
--json, and reports medians of its own samples. This is a report, not a test:
it exits 0 whatever the numbers are, and even when a side fails to run.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
from pathlib import Path

from benchmark_support import cpp_medians

HERE = Path(__file__).resolve().parent

# (workload, unit, C++ benchmark, C++ counter, scale, Python key, target)
# The C++ benchmark is named without the run options Google Benchmark appends
# (/min_time:..., /iterations:..., /manual_time), so changing them is harmless.
# The C++ counters per_task / per_switch are seconds per item; scale turns them
# into ns. A target of None means the row is there to explain the others.
ROWS = [
    ("spawn: create_task + gather, N=1e3", "ns/task",
     "BM_spawn_gather/tasks:1000", "per_task", 1e9,
     "spawn_gather/1000", 60),
    ("spawn: create_task + gather, N=1e4", "ns/task",
     "BM_spawn_gather/tasks:10000", "per_task", 1e9,
     "spawn_gather/10000", 60),
    ("spawn: create_task + await each, N=1e4", "ns/task",
     "BM_spawn_await_each/tasks:10000", "per_task", 1e9,
     "spawn_await_each/10000", None),
    ("switch: sleep(0), 1 task", "ns/switch",
     "BM_switch/tasks:1", "per_switch", 1e9, "switch/1", 15),
    ("switch: sleep(0), 2 tasks ping-pong", "ns/switch",
     "BM_switch/tasks:2", "per_switch", 1e9, "switch/2", 15),
    ("switch: sleep(0), 100 tasks in turn", "ns/switch",
     "BM_switch/tasks:100", "per_switch", 1e9, "switch/100", None),
]
for _count, _label in [(1_000, "1e3"), (10_000, "1e4"), (100_000, "1e5"), (1_000_000, "1e6")]:
    _name = f"BM_sleeping_tasks/tasks:{_count}"
    ROWS.append((f"sleep 10 ms, N={_label}: wall / N", "ns/task", _name, "per_task", 1e9,
                 f"sleeping/{_count}", None))
    ROWS.append((f"sleep 10 ms, N={_label}: (wall - 10 ms) / N", "ns/task", _name,
                 "overhead_ns", 1, f"sleeping_overhead/{_count}", None))
_BYTES_1E5 = "BM_sleeping_task_bytes/tasks:100000"
_BYTES_1E6 = "BM_sleeping_task_bytes/tasks:1000000"
# The memory target counts frame allocations, as the runtime's goal states it;
# the heap and RSS rows show what else a sleeping task costs the process.
ROWS += [
    ("sleeping task, N=1e6: coroutine frame", "B/task", _BYTES_1E6, "frame_bytes", 1,
     None, 160),
    ("sleeping task, N=1e5: heap (C++) / tracemalloc (Py)", "B/task", _BYTES_1E5,
     "heap_bytes", 1, "bytes_traced/100000", None),
    ("sleeping task, N=1e6: heap (C++)", "B/task", _BYTES_1E6, "heap_bytes", 1, None, None),
    ("sleeping task, N=1e6: RSS growth", "B/task", _BYTES_1E6, "rss_bytes", 1,
     "bytes_rss/1000000", None),
]






def run_python(script, extra_args):
    command = [sys.executable, str(script), "--json", *extra_args]
    print("$", shlex.join(command), flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout)


def fmt(value):
    if value is None:
        return "—"
    if value >= 100_000:
        return f"{value:,.0f}"
    return f"{value:,.1f}"


def print_table(cpp, python):
    header = ("workload", "unit", "C++ median", "Python median", "Py / C++", "target", "met?")
    lines = []
    for workload, unit, run_name, counter, scale, py_key, target in ROWS:
        entry = cpp.get(run_name, {})
        cpp_value = entry[counter] * scale if counter in entry else None
        py_value = python.get(py_key) if py_key else None
        ratio = f"{py_value / cpp_value:,.1f}x" if cpp_value and py_value else "—"
        if target is None:
            target_text, met = "—", ""
        else:
            target_text = f"<= {target}"
            met = "—" if cpp_value is None else ("yes" if cpp_value <= target else "NO")
        lines.append((workload, unit, fmt(cpp_value), fmt(py_value), ratio, target_text, met))
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    right = {2, 3, 4}

    def show(row):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
                 for i, cell in enumerate(row)]
        print("| " + " | ".join(cells) + " |")

    show(header)
    print("|" + "|".join(("-" * (w + 1) + ":" if i in right else "-" * (w + 2))
                         for i, w in enumerate(widths)) + "|")
    for row in lines:
        show(row)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("binary", type=Path, help="the core_benchmarks program (Release build)")
    parser.add_argument("--repetitions", type=int, default=5,
                        help="--benchmark_repetitions for the C++ program (default 5)")
    parser.add_argument("--python-script", type=Path, default=HERE / "core_benchmarks.py")
    parser.add_argument("--python-args", default="",
                        help="extra arguments for the Python script, e.g. '--no-full'")
    args = parser.parse_args()

    cpp, context, python, python_info = {}, {}, {}, {}
    try:
        cpp, context = cpp_medians(args.binary, args.repetitions, echo=True)
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError, KeyError) as error:
        print(f"compare: the C++ benchmarks did not run: {error}", file=sys.stderr)
    try:
        python_info = run_python(args.python_script, shlex.split(args.python_args))
        python = python_info.get("results", {})
    except (OSError, subprocess.CalledProcessError, json.JSONDecodeError) as error:
        print(f"compare: the Python benchmarks did not run: {error}", file=sys.stderr)

    print(f"C++: median of {args.repetitions} repetitions (Google Benchmark); "
          f"Python {python_info.get('python', '?')}: median of "
          f"{python_info.get('repeats', '?')} samples, gc "
          f"{'on' if python_info.get('gc') else 'off'} while timing. "
          f"Lower is better; a dash: not measured.")
    if context:
        load = ", ".join(f"{value:.2f}" for value in context.get("load_avg", []))
        print(f"Machine: {context.get('num_cpus', '?')} CPUs at {context.get('mhz_per_cpu', '?')} "
              f"MHz; load average when the C++ run started: {load or '?'}.")
    print()
    print_table(cpp, python)
    sizes = {key: value for key, value in context.items()
             if key.startswith(("sizeof", "frame bytes", "aio clock"))}
    if sizes:
        print()
        for key, value in sorted(sizes.items()):
            print(f"  {key}: {value}")
        build = context.get("library_build_type")
        if build:
            print(f"  (Google Benchmark library itself built as: {build})")
    return 0


if __name__ == "__main__":
    try:
        main()
    except Exception as error:  # a report never fails the caller
        print(f"compare: {error!r}", file=sys.stderr)
    sys.exit(0)
