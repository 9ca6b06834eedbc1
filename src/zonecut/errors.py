"""The root of zonecut's user-facing errors.

Anything derived from :class:`ZonecutError` is a problem the user can fix (a
config, a permission, an ambiguous zone, a timeout). The CLI prints its message
and exits non-zero, with no traceback.
"""

from __future__ import annotations


class ZonecutError(Exception):
    """A problem the user can act on; ``str(error)`` says what and where."""

    exit_code: int = 1


class PlanBlocked(ZonecutError):
    """The plan holds problems that must be fixed before anything is applied."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("the plan cannot be applied:\n  - " + "\n  - ".join(problems))
