"""Read the table rows of shared/sources/secondary-facts.md and resolve each row's source URLs.

The compiled file abbreviates repeated sources ("same", "as above", "cypnow (above)",
"Coram site", ".../issue-4/"); each abbreviation is resolved here the way a reader
would, so that a test can ask whether every row's own URL is in the graph.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILE_NAME = "secondary-facts.md"
URL = re.compile(r"https?://[^\s\]|;]+")
RELATIVE = re.compile(r"(?<![\w/])\.\.\./([^\s;|]+)")
# Named abbreviations: the word the file uses and the URL it stands for.
NAMED = {
    "cypnow": "https://www.cypnow.co.uk/cyp/news/2007009/dfe-names-councils-to-receive-family-support-funds",
    "coram site": "https://w3.abdn.ac.uk/hsru/CORAM/Public/Public/index.cshtml",
    "govwire url above": "http://govwire.co.uk/news/department-for-education/"
                         "guidance-childrens-social-care-innovation-programme-insights-and-evaluation-26800",
}


@dataclass(frozen=True)
class Row:
    section: str
    line: int
    cells: tuple[str, ...]
    urls: tuple[str, ...]

    @property
    def text(self) -> str:
        return " | ".join(self.cells)


def sources_dir() -> Path | None:
    """The shared sources folder: CSCIP_KG_SOURCES, else ../shared/sources beside the checkout."""
    configured = os.environ.get("CSCIP_KG_SOURCES")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT.parent / "shared" / "sources")
    return next((c for c in candidates if (c / FILE_NAME).is_file()), None)


def _trim(url: str) -> str:
    """Drop trailing punctuation and the ')' of a Markdown link, keeping balanced '(1)'."""
    url = url.rstrip(".,")
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
    return url


def _split(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def _resolve(cell: str, previous: tuple[str, ...], last_full: str) -> tuple[str, ...]:
    found: list[str] = []
    for part in (p.strip() for p in cell.split(";")):
        urls = URL.findall(part)
        relative = RELATIVE.search(part)
        lowered = part.lower().rstrip(".")
        if urls:
            found.extend(_trim(u) for u in urls)
        elif relative and last_full:
            # ".../issue-4/" replaces the last path segment of the URL before it.
            base = last_full.rstrip("/").rsplit("/", 1)[0]
            found.append(f"{base}/{relative.group(1)}")
        elif lowered in ("same", "as above"):
            found.extend(previous)
        else:
            for word, url in NAMED.items():
                if lowered.startswith(word):
                    found.append(url)
        if found:
            last_full = found[-1]
    return tuple(dict.fromkeys(found))


def rows(path: Path) -> list[Row]:
    """Every data row of the tables in sections 0-6 (section 7 lists what was not found)."""
    result: list[Row] = []
    section = ""
    previous: tuple[str, ...] = ()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        heading = re.match(r"^## (\d+)\.", line)
        if heading:
            section, previous = heading.group(1), ()
        if section == "7":
            break
        inline = re.match(r"^Innovators: .*Source: (\S+)", line)
        if inline:
            result.append(Row(section, number, (line,), (inline.group(1),)))
            continue
        if not line.startswith("|") or re.match(r"^\|[-| ]+\|$", line):
            continue
        cells = _split(line)
        if cells[0] in ("fact", "local authority", "local authority / site", "project", "evaluation / role"):
            continue  # a header row
        urls = _resolve(cells[-1], previous, previous[-1] if previous else "")
        result.append(Row(section, number, cells, urls))
        previous = urls or previous
    return result
