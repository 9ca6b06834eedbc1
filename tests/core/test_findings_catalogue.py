"""The finding catalogues are the one source of each code's severity and fix: the docs
(docs/findings.md for verify, docs/audit.md for audit) must say the same, code by code,
and document no code the catalogue lacks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zonecut.audit.findings import AUDIT
from zonecut.findings import Catalogue, Rule, Severity
from zonecut.verify.findings import VERIFY_CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
CODE_HEADING = re.compile(r"^(#+) ([A-Z][A-Z0-9_]+)\n", re.M)


def sections(page: Path) -> dict[str, str]:
    """Each ``## CODE`` section of ``page``: its text up to the next heading."""
    text = page.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for match in CODE_HEADING.finditer(text):
        rest = text[match.end():]
        following = re.search(r"^#+ ", rest, re.M)
        found[match.group(2)] = rest[:following.start()] if following else rest
    return found


def field(section: str, name: str) -> str | None:
    """The ``- **Name:** text`` bullet of a section, on one line; None without one."""
    match = re.search(rf"^- \*\*{name}:\*\* (.*?)(?=\n- \*\*|\n\n|\Z)", section, re.S | re.M)
    return " ".join(match.group(1).split()) if match else None


@pytest.mark.parametrize("catalogue", [VERIFY_CATALOGUE, AUDIT], ids=lambda c: c.docs_page)
def test_the_docs_say_what_the_catalogue_says(catalogue: Catalogue) -> None:
    documented = sections(ROOT / catalogue.docs_page)
    assert set(documented) == {rule.code for rule in catalogue}, (
        "codes documented but not in the catalogue, or the other way round")
    for rule in catalogue:
        section = documented[rule.code]
        severity = field(section, "Severity") or ""
        assert severity.split(" ", 1)[0] == rule.severity.value, rule.code  # then notes
        assert field(section, "Fix") == (rule.fix or None), rule.code


def test_every_code_has_a_fix_except_where_nothing_is_to_do() -> None:
    """A fix is what the report shows beside a finding; only info findings may lack one."""
    for rule in (*VERIFY_CATALOGUE, *AUDIT):
        assert rule.fix or rule.severity is Severity.INFO, rule.code


def test_a_code_outside_the_catalogue_points_at_the_docs() -> None:
    assert VERIFY_CATALOGUE.fix_for("NOT_A_CODE") == "See docs/findings.md#not_a_code."
    assert AUDIT.fix_for("AUDIT_NOT_A_CODE") == "See docs/audit.md#audit_not_a_code."
    assert VERIFY_CATALOGUE.index("NOT_A_CODE") is None


def test_codes_are_unique_across_catalogues() -> None:
    codes = [rule.code for rule in (*VERIFY_CATALOGUE, *AUDIT)]
    assert len(codes) == len(set(codes))
    assert all(isinstance(rule, Rule) for rule in (*VERIFY_CATALOGUE, *AUDIT))
