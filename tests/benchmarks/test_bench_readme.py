"""bench/readme.py: `make bench` rewrites only what lies between the README's markers."""

from __future__ import annotations

from pathlib import Path

from bench.readme import END, START, update

ROWS = [("apply <= 1.15x bound (N=100, 10 accounts)", "1.30x", False, "the emulator"),
        ("no Throttling met by zonecut (N=100, 10 accounts)", "0", True, "")]


def test_the_table_goes_between_the_markers_and_nothing_else_moves(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    before, after = "# Title\n\nText before.\n", "\nText after.\n"
    readme.write_text(f"{before}{START} (written by make bench) -->\nold table\n{END}{after}")
    assert update(readme, ROWS)
    text = readme.read_text()
    assert text.startswith(before) and text.endswith(f"{END}{after}")
    assert "old table" not in text
    assert "| apply <= 1.15x bound (N=100, 10 accounts) | 1.30x | no | the emulator |" in text
    assert "| no Throttling met by zonecut (N=100, 10 accounts) | 0 | yes |  |" in text
    assert update(readme, ROWS) and readme.read_text() == text  # again: the same file


def test_without_the_markers_nothing_is_written(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n{END}\n{START} -->\n")  # out of order
    assert not update(readme, ROWS)
    assert readme.read_text() == f"# Title\n{END}\n{START} -->\n"
