"""What the Python benchmark scripts share: timing samples the same way, and
reading the medians of a C++ benchmark program's repetitions."""

from __future__ import annotations

import asyncio
import gc
import json
import shlex
import statistics
import subprocess


def median_seconds(make_coroutine, repeats, keep_gc):
    """Median over `repeats` samples, each one asyncio.run of a fresh coroutine
    that returns the seconds it measured. The cyclic garbage collector is off
    while a sample runs (as timeit does) unless `keep_gc`."""
    samples = []
    for _ in range(repeats):
        gc.collect()
        was_enabled = gc.isenabled()
        if not keep_gc:
            gc.disable()
        try:
            samples.append(asyncio.run(make_coroutine()))
        finally:
            if was_enabled:
                gc.enable()
    return statistics.median(samples)


def short_name(run_name):
    """'BM_switch/tasks:2/min_time:0.200/manual_time' -> 'BM_switch/tasks:2'."""
    options = ("min_time:", "iterations:", "repeats:", "manual_time", "real_time", "threads:")
    return "/".join(part for part in run_name.split("/") if not part.startswith(options))


def cpp_medians(program, repetitions, echo=False):
    """{short run name: Google Benchmark's entry for its median} and the run's
    context, from `program` run with `repetitions` repetitions."""
    command = [str(program), "--benchmark_format=json",
               f"--benchmark_repetitions={repetitions}"]
    if echo:
        print("$", shlex.join(command), flush=True)
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True)
    report = json.loads(done.stdout)
    medians = {}
    for entry in report["benchmarks"]:
        # With one repetition there are no aggregates: the single run is the median.
        is_median = entry.get("aggregate_name") == "median"
        if is_median or (repetitions == 1 and entry.get("run_type") == "iteration"):
            medians[short_name(entry["run_name"])] = entry
    return medians, report.get("context", {})
