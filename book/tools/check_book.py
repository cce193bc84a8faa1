#!/usr/bin/env python3
"""The book's checks (CTest label `book`), run on a built book.

    check_book.py --source REPO --output BUILD/book CHECK

CHECK is one of:
  warnings  Doxygen wrote no warning
  links     every local link and image in the HTML resolves, anchors included
  coverage  every chapter has its page, every page shows code and output, and
            every expected-output file is shown by some page
  render    the landing page and a chapter page render in headless Chromium
"""

import argparse
import html.parser
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from cmake_lists import listed  # noqa: E402


class Links(html.parser.HTMLParser):
    """Collects the ids a page defines and the links it makes."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attributes = dict(attrs)
        for name in ("id", "name"):
            if attributes.get(name):
                self.ids.add(attributes[name])
        for name in ("href", "src"):
            if attributes.get(name):
                self.links.append(attributes[name])


def check_warnings(output: Path) -> list[str]:
    log = output / "doxygen-warnings.log"
    if not log.exists():
        return [f"{log} is missing: was the book built?"]
    return [line for line in log.read_text().splitlines() if line.strip()]


# A Doxygen bug (doxygen/doxygen#8234; Debian 12's 1.9.4 has it): a class whose
# only nested classes are private (Task's Awaiter) gets a "Classes" summary link
# to "#nested-classes" at the top of its page, but, rightly, no such section.
# Only that link, from a class page to itself, is let through. (HIDE_UNDOC_CLASSES
# = YES avoids the link too, but would hide an undocumented class instead of
# warning about it, which is what book.warnings relies on.)
DOXYGEN_SUMMARY_ANCHOR = "nested-classes"


def check_links(output: Path) -> list[str]:
    html_dir = output / "html"
    pages = {}
    for page in html_dir.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(errors="replace"))
        pages[page.resolve()] = parser
    problems = []
    for page, parser in pages.items():
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):  # http:, https:, mailto:, javascript:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if not target.exists():
                problems.append(f"{page.name}: broken link {link}")
                continue
            if parts.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else set()
                if unquote(parts.fragment) not in ids:
                    if (not parts.path and parts.fragment == DOXYGEN_SUMMARY_ANCHOR
                            and page.name.startswith(("class", "struct"))):
                        continue
                    problems.append(f"{page.name}: no anchor #{parts.fragment} in {target.name}")
    return problems


PROGRAM = re.compile(r"\\program\{([^,}]+),([^,}]+),([^,}]+)\}")


def check_coverage(source: Path, output: Path) -> list[str]:
    chapters = listed(source / "chapters" / "chapter_list.cmake", "AIO_CHAPTERS")
    problems = []
    shown = set()
    for folder in chapters:
        page = source / "book" / "chapters" / f"{folder}.md"
        if not page.exists():
            problems.append(f"chapter {folder} has no page book/chapters/{folder}.md")
            continue
        text = page.read_text()
        if not text.startswith("# ") or f"{{#ch{folder}}}" not in text.splitlines()[0]:
            problems.append(f"{page.name}: does not start with '# <title> {{#ch{folder}}}'")
        if f"\\nav_{folder}" not in text:
            problems.append(f"{page.name}: has no \\nav_{folder} (previous / next links)")
        if f"\\subpage src_{folder}" not in text:
            problems.append(f"{page.name}: has no \\subpage src_{folder} (the whole program)")
        programs = PROGRAM.findall(text)
        if not programs:
            problems.append(f"{page.name}: shows no code (no \\program{{...}})")
        for chapter, _, section in programs:
            shown.add((chapter.strip(), section.strip()))
        html_page = output / "html" / f"ch{folder}.html"
        if not html_page.exists():
            problems.append(f"{html_page.name} was not generated")
        else:
            rendered = html_page.read_text(errors="replace")
            if 'class="fragment"' not in rendered or 'class="output-label"' not in rendered:
                problems.append(f"{html_page.name}: the code or the output is missing")
    for folder in chapters:
        for expected in sorted((source / "chapters" / folder / "expected").glob("*.out")):
            if (folder, expected.stem) not in shown:
                problems.append(f"chapters/{folder}/expected/{expected.name} is shown by no page")
    return problems


def check_render(source: Path, output: Path) -> list[str]:
    chapters = listed(source / "chapters" / "chapter_list.cmake", "AIO_CHAPTERS")
    problems = []
    for page in (output / "html" / "index.html", output / "html" / f"ch{chapters[0]}.html"):
        with tempfile.TemporaryDirectory() as scratch:
            shot = Path(scratch) / "page.png"
            run = subprocess.run(
                ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                 "--hide-scrollbars", "--window-size=1280,2000",
                 f"--user-data-dir={scratch}/profile", f"--screenshot={shot}",
                 page.resolve().as_uri()],
                capture_output=True, text=True, timeout=120)
            if run.returncode != 0:
                problems.append(f"chromium failed on {page.name}: {run.stderr.strip()[-500:]}")
            elif not shot.exists() or shot.stat().st_size < 10_000:
                problems.append(f"chromium made no real screenshot of {page.name}")
            else:
                print(f"{page.name}: rendered, {shot.stat().st_size} bytes of screenshot")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("check", choices=["warnings", "links", "coverage", "render"])
    options = parser.parse_args()
    if not (options.output / "html" / "index.html").exists():
        print(f"error: no book in {options.output}/html: build the `book` target", file=sys.stderr)
        return 1
    problems = {
        "warnings": lambda: check_warnings(options.output),
        "links": lambda: check_links(options.output),
        "coverage": lambda: check_coverage(options.source, options.output),
        "render": lambda: check_render(options.source, options.output),
    }[options.check]()
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
