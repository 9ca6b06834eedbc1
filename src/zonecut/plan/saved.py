"""Saved plans: `plan --save FILE`, then `apply --plan FILE` applies exactly that plan.

The file holds the plan's JSON view and a checksum over it (which covers what was
observed: zone ids, name servers, live NS values). Before applying, zonecut plans
again from the live state; if the new plan differs, it refuses and says what changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from zonecut.errors import ZonecutError

FORMAT = "zonecut-plan/1"


class SavedPlanError(ZonecutError):
    """A saved plan that cannot be used: unreadable, tampered with, or stale."""


def checksum(plan_data: dict[str, Any]) -> str:
    canonical = json.dumps(plan_data, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SavedPlan:
    mode: str  # "apply" | "destroy"
    prune: bool
    zones: tuple[str, ...]  # the zones named to destroy
    config_sha256: str
    plan: dict[str, Any]

    def to_json(self) -> str:
        return json.dumps({
            "format": FORMAT,
            "mode": self.mode,
            "prune": self.prune,
            "zones": list(self.zones),
            "config_sha256": self.config_sha256,
            "checksum": checksum(self.plan),
            "plan": self.plan,
        }, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, source: str) -> SavedPlan:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} file")
            plan = data["plan"]
            if not isinstance(plan, dict):
                raise ValueError("no plan in it")
            saved = cls(mode=str(data["mode"]), prune=bool(data["prune"]),
                        zones=tuple(str(z) for z in data["zones"]),
                        config_sha256=str(data["config_sha256"]), plan=plan)
        except (ValueError, KeyError, TypeError) as exc:
            raise SavedPlanError(f"{source}: not a usable saved plan: {exc}") from None
        if checksum(plan) != data.get("checksum"):
            raise SavedPlanError(f"{source}: the checksum does not match the plan in it; the "
                                 "file was edited or damaged")
        return saved


def differences(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Human-readable differences between a saved plan's data and a new one."""
    found: list[str] = []
    for key in ("zones", "ns_changes", "deletions", "unmanaged", "problems"):
        old = {json.dumps(x, sort_keys=True) for x in saved.get(key, [])}
        new = {json.dumps(x, sort_keys=True) for x in current.get(key, [])}
        for item in sorted(old - new):
            found.append(f"{key}: no longer planned: {_short(item)}")
        for item in sorted(new - old):
            found.append(f"{key}: now planned: {_short(item)}")
    return found


def _short(item: str) -> str:
    data = json.loads(item)
    if isinstance(data, dict):
        keys = ("action", "name", "child", "parent", "zone_id", "values", "account_id")
        return ", ".join(f"{k}={data[k]}" for k in keys if k in data and data[k] is not None)
    return item
