"""`zonecut explain CODE`: what a verify or audit finding code means and how to fix it."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from zonecut.cli.options import EXIT_USAGE, fail, out
from zonecut.cli.render import SEVERITY_STYLES


def explain(code: Annotated[str, typer.Argument(
        help="A finding code from verify or audit, e.g. DANGLING_DELEGATION.")]) -> None:
    """What a verify or audit finding code means, why it matters and how to fix it."""
    from zonecut.audit.findings import AUDIT
    from zonecut.verify.findings import VERIFY_CATALOGUE

    wanted = code.strip().upper()
    for catalogue in (VERIFY_CATALOGUE, AUDIT):
        rule = catalogue.by_code.get(wanted)
        if rule is None:
            continue
        out.print(Text.assemble((rule.code, "bold"), "  ",
                                (rule.severity.value,
                                 SEVERITY_STYLES.get(rule.severity.value, ""))))
        out.print(rule.title)
        out.print(f"Reference: {rule.reference}")
        if rule.help_uri:
            out.print(f"More: {rule.help_uri}", soft_wrap=True)
        if rule.fix:
            out.print("")
            out.print(f"Fix: {rule.fix}")
        out.print(f"Why it matters and what zonecut checks: {catalogue.docs_page}"
                  f"#{rule.code.lower()}", soft_wrap=True)
        return
    known = sorted(r.code for r in (*VERIFY_CATALOGUE, *AUDIT))
    close = [k for k in known if wanted and (wanted in k or k in wanted)][:3]
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    fail(f"{code!r} is not a finding code{hint}; `zonecut verify --list-codes` and "
         "`zonecut audit --list-codes` list them", EXIT_USAGE)
