"""IAM policy documents as plain data: statements, ARNs and Sids (pure)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

POLICY_VERSION = "2012-10-17"

Statement = dict[str, Any]
Document = dict[str, Any]

_SID_BAD = re.compile(r"[^A-Za-z0-9]")


def document(statements: Sequence[Statement]) -> Document:
    return {"Version": POLICY_VERSION, "Statement": list(statements)}


def one_or_list(values: Iterable[str]) -> str | list[str]:
    """IAM's compact form: a single value as a string, several as a sorted list."""
    unique = sorted(set(values))
    return unique[0] if len(unique) == 1 else unique


def statement(sid: str, actions: Iterable[str], resources: Iterable[str],
              condition: Mapping[str, Mapping[str, Any]] | None = None) -> Statement:
    found: Statement = {
        "Sid": sid,
        "Effect": "Allow",
        "Action": one_or_list(actions),
        "Resource": one_or_list(resources),
    }
    if condition:
        found["Condition"] = {op: dict(keys) for op, keys in condition.items()}
    return found


def sid(prefix: str, name: str = "", taken: set[str] | None = None) -> str:
    """A Sid (letters and digits) made of ``prefix`` and a DNS name, unique in ``taken``."""
    words = [w for w in re.split(r"[.\-_*]", name) if w]
    text = prefix + "".join(_SID_BAD.sub("", w).capitalize() for w in words)
    found, number = text, 2
    while taken is not None and found in taken:
        found, number = f"{text}{number}", number + 1
    if taken is not None:
        taken.add(found)
    return found


def zone_arn(partition: str, zone_id: str | None) -> str:
    return f"arn:{partition}:route53:::hostedzone/{zone_id or '*'}"


def change_arn(partition: str) -> str:
    return f"arn:{partition}:route53:::change/*"


def parameter_arn(partition: str, region: str, account_id: str, name: str) -> str:
    """The ARN of an SSM parameter; ``name`` starts with '/' (or ends in '/*')."""
    return f"arn:{partition}:ssm:{region}:{account_id}:parameter{name}"


def certificate_arn(partition: str, region: str, account_id: str) -> str:
    return f"arn:{partition}:acm:{region}:{account_id}:certificate/*"


def size(doc: Document) -> int:
    """The characters IAM counts against its size limits (white space is not counted)."""
    return len(json.dumps(doc, separators=(",", ":")))
