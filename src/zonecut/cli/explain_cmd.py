"""`zonecut explain CODE`: what a verify or audit finding code means and how to fix it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from zonecut.cli.options import EXIT_USAGE, fail, out
from zonecut.cli.render import SEVERITY_STYLES

DOCS = Path(__file__).resolve().parents[3] / "docs"
"""The docs of a source checkout (an installed wheel has none: then the catalogue's own
title, reference and link are shown)."""


def doc_section(document: Path, code: str) -> str | None:
    """The text under the heading named ``code`` in ``document``, or None."""
    try:
        lines = document.read_text().splitlines()
    except OSError:
        return None
    for start, line in enumerate(lines):
        if line.startswith("#") and line.lstrip("#").strip() == code:
            level = len(line) - len(line.lstrip("#"))
            body: list[str] = []
            for following in lines[start + 1:]:
                if following.startswith("#") and (
                        len(following) - len(following.lstrip("#"))) <= level:
                    break
                body.append(following)
            return "\n".join(body).strip()
    return None


def explain(code: Annotated[str, typer.Argument(
        help="A finding code from verify or audit, e.g. DANGLING_DELEGATION.")]) -> None:
    """What a verify or audit finding code means, why it matters and how to fix it."""
    from zonecut.audit import AUDIT_CATALOGUE
    from zonecut.verify.findings import CATALOGUE

    wanted = code.strip().upper()
    for rules, document in ((CATALOGUE, "findings.md"), (AUDIT_CATALOGUE, "audit.md")):
        for rule in rules:
            if rule.code != wanted:
                continue
            out.print(Text.assemble((rule.code, "bold"), "  ",
                                    (rule.severity.value,
                                     SEVERITY_STYLES.get(rule.severity.value, ""))))
            out.print(rule.title)
            out.print(f"Reference: {rule.reference}")
            if rule.help_uri:
                out.print(f"More: {rule.help_uri}", soft_wrap=True)
            section = doc_section(DOCS / document, rule.code)
            if section:
                out.print("")
                out.print(section)
            return
    known = sorted(r.code for r in (*CATALOGUE, *AUDIT_CATALOGUE))
    close = [k for k in known if wanted and (wanted in k or k in wanted)][:3]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    fail(f"{code!r} is not a finding code{hint}; `zonecut verify --list-codes` and "
         "`zonecut audit --list-codes` list them", EXIT_USAGE)
