"""Keep the README's targets table true to the results: `make bench` writes it between
the ``bench:targets`` markers of README.md (only when the results are bench/results)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

START = "<!-- bench:targets:start"
END = "<!-- bench:targets:end -->"


def table(rows: Sequence[tuple[str, str, bool, str]]) -> str:
    lines = ["| target | measured | met | what bounds a miss |", "| --- | --- | --- | --- |"]
    lines += [f"| {target} | {measured} | {'yes' if met else 'no'} | {why} |"
              for target, measured, met, why in rows]
    return "\n".join(lines)


def update(readme: Path, rows: Sequence[tuple[str, str, bool, str]]) -> bool:
    """Replace what lies between the markers; False (nothing written) without them."""
    text = readme.read_text(encoding="utf-8")
    first = text.find(START)
    last = text.find(END)
    if first < 0 or last < first:
        return False
    opened = text.index("\n", first) + 1
    readme.write_text(text[:opened] + table(rows) + "\n" + text[last:], encoding="utf-8")
    return True
