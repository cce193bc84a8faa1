#!/usr/bin/env python3
"""Checks that a chapter program lists exactly the sections that have an
expected-output file: no section without its expected output, no orphan file.

usage: check_sections.py EXPECTED_DIR -- CMD ARGS...   (CMD prints one name a line)
"""
import pathlib
import subprocess
import sys


def main(argv: list[str]) -> int:
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__, file=sys.stderr)
        return 2
    expected_dir = pathlib.Path(argv[1])
    listed = subprocess.run(argv[3:], capture_output=True, text=True, timeout=60, check=True)
    sections = listed.stdout.split()
    files = sorted(path.stem for path in expected_dir.glob("*.out"))
    missing = [name for name in sections if name not in files]
    orphans = [name for name in files if name not in sections]
    duplicates = sorted({name for name in sections if sections.count(name) > 1})
    for name in missing:
        print(f"section '{name}' has no expected file {expected_dir / (name + '.out')}")
    for name in orphans:
        print(f"{expected_dir / (name + '.out')} belongs to no section of the program")
    for name in duplicates:
        print(f"section '{name}' is listed more than once")
    if missing or orphans or duplicates:
        return 1
    print(f"{len(sections)} sections, each with its expected output")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
