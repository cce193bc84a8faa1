"""Reads the project's ordered lists (chapters/chapter_list.cmake,
exercises/exercise_list.cmake) for the Python tools, so that CMake's lists stay
the one place that orders chapters and exercises."""

import re
from pathlib import Path


def listed(cmake_file: Path, variable: str) -> list[str]:
    """The words of `set(VARIABLE ...)` in a CMake list file, comments removed."""
    text = re.sub(r"#.*", "", cmake_file.read_text())
    found = re.search(rf"set\(\s*{variable}(.*?)\)", text, re.S)
    if found is None:
        raise SystemExit(f"{cmake_file}: no set({variable} ...)")
    return found.group(1).split()
