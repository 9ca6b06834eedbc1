"""Which account may claim which names: the allow-list both Lambda handlers check (pure).

The policy maps an account id to name patterns. ``dev.example.com`` allows exactly that
name; ``*.dev.example.com`` allows any name strictly below it, on label boundaries
(``baddev.example.com`` is not below ``dev.example.com``). Everything else is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from zonecut import names
from zonecut.errors import ZonecutError

_ACCOUNT = re.compile(r"^[0-9]{12}$")


class PolicyError(ZonecutError):
    """An allow-list that cannot be read."""


@dataclass(frozen=True)
class AllowList:
    rules: Mapping[str, tuple[str, ...]]

    @classmethod
    def from_json(cls, text: str, where: str = "ZONECUT_ALLOW") -> AllowList:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise PolicyError(f"{where}: not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise PolicyError(f'{where}: expected {{"ACCOUNT_ID": ["name", "*.name"]}}')
        rules: dict[str, tuple[str, ...]] = {}
        for account, patterns in data.items():
            if not _ACCOUNT.match(str(account)):
                raise PolicyError(f"{where}: {account!r} is not a 12-digit account id")
            if not isinstance(patterns, list) or not all(isinstance(p, str) for p in patterns):
                raise PolicyError(f"{where}: account {account}: expected a list of names")
            rules[str(account)] = tuple(_pattern(p, where, str(account)) for p in patterns)
        return cls(rules)

    def refusal(self, account_id: str, name: str) -> str | None:
        """Why ``account_id`` may not claim ``name``; None when the policy allows it."""
        patterns = self.rules.get(account_id)
        if not patterns:
            return f"account {account_id} is not in the allow-list"
        for pattern in patterns:
            if pattern.startswith("*."):
                if names.is_below(name, pattern[2:]):
                    return None
            elif name == pattern:
                return None
        return (f"account {account_id} may claim {', '.join(patterns)}, not {name} "
                "(names match on label boundaries)")

    def patterns(self, account_id: str) -> Sequence[str]:
        return self.rules.get(account_id, ())


def _pattern(text: str, where: str, account: str) -> str:
    base = text[2:] if text.startswith("*.") else text
    try:
        canon = names.canonical(base)
    except names.InvalidName as exc:
        raise PolicyError(f"{where}: account {account}: {exc}") from None
    return f"*.{canon}" if text.startswith("*.") else canon
