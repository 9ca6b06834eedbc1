"""What each role allows, as Markdown tables of (actions, types, names) (pure).

Every ``ChangeResourceRecordSets`` statement allows exactly its actions x types x names
(``zonecut.iam.changes`` only builds statements whose every combination is needed), so a
row per statement lists the allowed triples exactly. docs/iam.md shows this for the
example configs; `zonecut iam --format triples` prints it for any config.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zonecut.iam.changes import ACTIONS_KEY, NAMES_KEY, ONE_LABEL_GUARD, TYPES_KEY
from zonecut.iam.roles import AccountPermissions, RoleDoc

_CHANGE = "route53:ChangeResourceRecordSets"


def _listed(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _code(values: Sequence[str]) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _names(condition: dict[str, dict[str, Any]]) -> str:
    equals = condition.get("ForAllValues:StringEquals", {})
    like = condition.get("ForAllValues:StringLike", {})
    text = _code(_listed(equals.get(NAMES_KEY) or like.get(NAMES_KEY) or []))
    unlike = _listed(condition.get("ForAllValues:StringNotLike", {}).get(NAMES_KEY, []))
    if unlike == list(ONE_LABEL_GUARD):
        return text + " (`?` one character but `.`: one label)"
    if unlike:
        return text + " except " + _code(unlike)
    return text


def _rows(role: RoleDoc) -> tuple[list[str], list[str]]:
    rows: list[str] = []
    other: list[str] = []
    for stmt in role.policy["Statement"]:
        actions = _listed(stmt["Action"])
        resources = _code(_listed(stmt["Resource"]))
        if actions == [_CHANGE]:
            condition = stmt["Condition"]
            equals = condition["ForAllValues:StringEquals"]
            rows.append(f"| `{stmt['Sid']}` | {_code(_listed(equals[ACTIONS_KEY]))} | "
                        f"{_code(_listed(equals[TYPES_KEY]))} | {_names(condition)} | "
                        f"{resources} |")
        else:
            extra = " (with conditions)" if stmt.get("Condition") else ""
            other.append(f"`{stmt['Sid']}`: {_code(actions)} on {resources}{extra}")
    return rows, other


def triples_markdown(found: Sequence[AccountPermissions]) -> str:
    """Per account and role: the record changes it may make, then its other actions."""
    out: list[str] = []
    for perms in found:
        for role in perms.roles:
            who = f"role `{role.name}`" if role.name else "the identity zonecut runs as"
            out.append(f"**`{perms.key}`** ({perms.account_id}), {who}:")
            out.append("")
            rows, other = _rows(role)
            if rows:
                out += ["| Sid | actions | types | names | zones |",
                        "| --- | --- | --- | --- | --- |", *rows, ""]
            else:
                out += ["no record changes", ""]
            if other:
                out += ["Also: " + "; ".join(other) + ".", ""]
    return "\n".join(out).rstrip() + "\n"
