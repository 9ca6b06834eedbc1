"""SARIF 2.1.0 for any catalogue: its rules, and each finding a result located at the
config line that declares its zone and, logically, where the checker says it is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import PurePath
from typing import Any, Protocol
from urllib.parse import quote

from zonecut import __version__
from zonecut.findings.catalogue import Catalogue, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

SARIF_LEVEL: dict[Severity, str] = {
    Severity.CRITICAL: "error",
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "note",
}


class Located(Protocol):
    """What the SARIF writer needs of a finding (verify's and audit's both have it)."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> Severity: ...
    @property
    def message(self) -> str: ...
    @property
    def zone(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def details(self) -> tuple[tuple[str, str], ...]: ...

    def place(self) -> dict[str, str | None]:
        """Where beyond the zone (server; or account and hosted zone), by name."""
        ...

    def logical_locations(self) -> list[dict[str, str]]:
        """SARIF ``logicalLocations``: the zone, and where the fix is made."""
        ...

    def fingerprint(self) -> tuple[str, str]:
        """SARIF ``partialFingerprints``: one name and value, stable across runs."""
        ...


def _rule_name(code: str) -> str:
    return "".join(part.capitalize() for part in code.split("_"))


def sarif_rules(catalogue: Catalogue) -> list[dict[str, Any]]:
    """SARIF ``tool.driver.rules`` for a finding catalogue."""
    return [
        {
            "id": rule.code,
            "name": _rule_name(rule.code),
            "shortDescription": {"text": rule.title},
            "helpUri": rule.help_uri,
            "help": {"text": f"{rule.title} Reference: {rule.reference}. "
                             f"See {catalogue.docs_page}#{rule.code.lower()}."},
            "defaultConfiguration": {"level": SARIF_LEVEL[rule.severity]},
            "properties": {"severity": rule.severity.value, "reference": rule.reference},
        }
        for rule in catalogue
    ]


def artifact_uri(path: str) -> str:
    """A relative URI reference for a file path (what code scanning matches to a file
    of the repository): forward slashes, reserved characters escaped."""
    return quote(PurePath(path).as_posix(), safe="/._-~")


def physical_location(zone: str, artifact: str, lines: Mapping[str, int] | None
                      ) -> dict[str, Any]:
    """The config line that declares ``zone`` (or its closest declared ancestor; line 1
    when none is known): what GitHub code scanning needs on every result."""
    line = 1
    known = lines or {}
    name = zone
    while name:
        if name in known:
            line = known[name]
            break
        name = name.partition(".")[2]
    return {"artifactLocation": {"uri": artifact_uri(artifact)},
            "region": {"startLine": max(1, int(line))}}


def sarif_result(item: Located, catalogue: Catalogue, artifact: str,
                 lines: Mapping[str, int] | None) -> dict[str, Any]:
    """One finding as a SARIF result (``ruleIndex`` when the catalogue knows the code)."""
    logical = item.logical_locations()
    name, value = item.fingerprint()
    result: dict[str, Any] = {"ruleId": item.code}
    index = catalogue.index(item.code)
    if index is not None:
        result["ruleIndex"] = index
    result.update({
        "level": SARIF_LEVEL[item.severity],
        "message": {"text": item.message},
        "locations": [{
            "physicalLocation": physical_location(item.zone, artifact, lines),
            **({"logicalLocations": logical} if logical else {}),
        }],
        "partialFingerprints": {name: value},
        "properties": {
            "severity": item.severity.value,
            "zone": item.zone,
            **item.place(),
            "reference": item.reference,
            "details": dict(item.details),
        },
    })
    return result


def sarif_log(findings: Sequence[Located], catalogue: Catalogue, *,
              artifact: str = "zonecut.yaml", lines: Mapping[str, int] | None = None,
              include_info: bool = False) -> dict[str, Any]:
    """A SARIF 2.1.0 log: the catalogue as rules, each finding (in the order given) a
    result at a line of ``artifact`` (``lines``: zone -> line). Info-level findings only
    with ``include_info``."""
    results = [sarif_result(item, catalogue, artifact, lines) for item in findings
               if include_info or item.severity is not Severity.INFO]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": catalogue.tool,
                "version": __version__,
                "semanticVersion": __version__,
                "rules": sarif_rules(catalogue),
            }},
            "results": results,
        }],
    }
