"""Saved plans: `plan --save FILE`, then `apply --plan FILE` applies exactly that plan.

The file holds the plan's JSON view (which covers what was observed: zone ids, name
servers, live NS values), how it was made (mode, --prune), the config's hash, and a
checksum over all of it. Before applying, zonecut plans again from the live state the
same way; if the new plan differs in any field, it refuses and says what changed.

The checksum finds an edited or damaged file; it is no signature (anyone can compute
it). What stops a forged file from deleting: a saved plan holds deletions only when it
was made with ``--prune`` (which shows them); the deletions applied are the ones planned
again from the live state, equal to the file's; and applying any deletion needs
``--allow-delete`` and, interactively, the zone names typed, saved plan or not.
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


def checksum(data: dict[str, Any]) -> str:
    """Over every field of the file but ``checksum`` itself."""
    body = {k: v for k, v in data.items() if k != "checksum"}
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True)
class SavedPlan:
    mode: str  # "apply" | "destroy"
    prune: bool
    zones: tuple[str, ...]  # the zones named to destroy
    config_sha256: str
    plan: dict[str, Any]

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "format": FORMAT,
            "mode": self.mode,
            "prune": self.prune,
            "zones": list(self.zones),
            "config_sha256": self.config_sha256,
            "plan": self.plan,
        }
        data["checksum"] = checksum(data)
        return json.dumps(data, indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str, source: str) -> SavedPlan:
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise ValueError(f"not a {FORMAT} file")
        except (ValueError, TypeError) as exc:
            raise SavedPlanError(f"{source}: not a usable saved plan: {exc}") from None
        if checksum(data) != data.get("checksum"):
            raise SavedPlanError(f"{source}: the checksum does not match the file; it was "
                                 "edited or damaged (make it again with `zonecut plan --save`)")
        try:
            plan = data["plan"]
            if not isinstance(plan, dict):
                raise ValueError("no plan in it")
            mode, prune, zones = data["mode"], data["prune"], data["zones"]
            if mode != "apply":
                raise ValueError(f"mode {mode!r}: `zonecut plan --save` makes apply plans only")
            if not isinstance(prune, bool):
                raise ValueError("prune is not true or false")
            if zones != []:
                raise ValueError("an apply plan names no zones to destroy")
            deletions = plan.get("deletions", [])
            if not isinstance(deletions, list):
                raise ValueError("deletions is not a list")
            if deletions and not prune:
                raise ValueError("it holds deletions but was not made with --prune")
            if any(not isinstance(d, dict) or d.get("reason") != "prune" for d in deletions):
                raise ValueError("a deletion in it was not planned by --prune")
            saved = cls(mode=mode, prune=prune, zones=(),
                        config_sha256=str(data["config_sha256"]), plan=plan)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SavedPlanError(f"{source}: not a usable saved plan: {exc}") from None
        return saved


def differences(saved: dict[str, Any], current: dict[str, Any]) -> list[str]:
    """Human-readable differences between a saved plan's data and a new one."""
    found: list[str] = []
    listed = ("zones", "ns_changes", "apex_repairs", "deletions", "unmanaged", "problems",
              "notes")
    for key in listed:
        old = {json.dumps(x, sort_keys=True) for x in _items(saved.get(key))}
        new = {json.dumps(x, sort_keys=True) for x in _items(current.get(key))}
        for item in sorted(old - new):
            found.append(f"{key}: no longer planned: {_short(item)}")
        for item in sorted(new - old):
            found.append(f"{key}: now planned: {_short(item)}")
    if not found and saved != current:
        keys = sorted(k for k in set(saved) | set(current)
                      if json.dumps(saved.get(k), sort_keys=True)
                      != json.dumps(current.get(k), sort_keys=True))
        found.append("the plan differs in " + ", ".join(keys))
    return found


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _short(item: str) -> str:
    data = json.loads(item)
    if isinstance(data, dict):
        keys = ("action", "name", "child", "parent", "zone_id", "values", "account_id")
        return ", ".join(f"{k}={data[k]}" for k in keys if k in data and data[k] is not None)
    return item
