"""Severities and finding catalogues: like a linter's rule list, every finding code is
stable (never renamed) and has a severity, a one-line title, a reference (an RFC section
or a Zonemaster test case), a link, and the fix. The fix here is the one source for
``zonecut explain``, the graph and HTML report, and the **Fix** lines of the docs (a
test holds the docs to it)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

RFC = "https://www.rfc-editor.org/rfc/"
ZONEMASTER = ("https://github.com/zonemaster/zonemaster/blob/master/docs/public/"
              "specifications/tests/")
ROUTE53 = "https://docs.aws.amazon.com/Route53/latest/"


class Severity(StrEnum):
    CRITICAL = "critical"
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """0 for the most severe."""
        return list(Severity).index(self)

    @property
    def fails(self) -> bool:
        """Findings of this severity make ``zonecut verify`` exit non-zero."""
        return self in (Severity.CRITICAL, Severity.ERROR)


@dataclass(frozen=True)
class Rule:
    """One entry of a catalogue."""

    code: str
    severity: Severity
    title: str
    reference: str
    help_uri: str
    fix: str = ""


@dataclass(frozen=True)
class Catalogue:
    """The rules of one checker, with what its SARIF log and docs call it."""

    rules: tuple[Rule, ...]
    tool: str
    """SARIF ``tool.driver.name``."""
    docs_page: str
    """The docs page with one section per code (relative to the repository)."""
    title: str
    """The title of the ``--list-codes`` table."""
    by_code: Mapping[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_code", {rule.code: rule for rule in self.rules})

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __contains__(self, code: object) -> bool:
        return code in self.by_code

    def index(self, code: str) -> int | None:
        """The rule's place in ``rules`` (SARIF ``ruleIndex``), or None."""
        rule = self.by_code.get(code)
        return None if rule is None else self.rules.index(rule)

    def fix_for(self, code: str) -> str:
        """The fix for ``code``, or where its docs are."""
        rule = self.by_code.get(code)
        return (rule.fix if rule is not None else "") or (
            f"See {self.docs_page}#{code.lower()}.")


def zone_order(zone: str) -> tuple[str, ...]:
    """A sort key that puts a zone right after its parent (labels from the right)."""
    return tuple(reversed(zone.split(".")))
