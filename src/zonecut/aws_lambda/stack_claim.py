"""Is a custom resource request CloudFormation's own? (pure; the read is the caller's)

Anyone allowed to invoke the function can write any ``StackId`` and
``LogicalResourceId``. So before a request changes anything, the handler asks
CloudFormation in the claiming account (through the same read-only role it proves zones
with, ``cloudformation:DescribeStackResource``, in the stack's region) what that stack
says about that resource, and acts only when the request is one CloudFormation is
waiting for:

- ``Create``: the resource is ``CREATE_IN_PROGRESS``;
- ``Update``: the resource has the request's ``PhysicalResourceId`` and is
  ``UPDATE_IN_PROGRESS`` (``UPDATE_ROLLBACK_IN_PROGRESS`` while an update rolls back);
- ``Delete``: the resource has the request's ``PhysicalResourceId`` and is
  ``DELETE_IN_PROGRESS``; or the request names a zonecut id for another name than the
  resource's current zonecut id (CloudFormation's cleanup of a replaced resource after
  ``ZoneName`` changed): what it may remove is then only a delegation the stack no
  longer claims.

A stack or resource CloudFormation does not know (``ValidationError``), or any other
status, is a forged or stale request: nothing is changed and the answer is FAILED.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zonecut.aws.cloudformation import StackResource

PREFIX = "zonecut"
IN_PROGRESS: Mapping[str, tuple[str, ...]] = {
    "Create": ("CREATE_IN_PROGRESS",),
    "Update": ("UPDATE_IN_PROGRESS", "UPDATE_ROLLBACK_IN_PROGRESS"),
    "Delete": ("DELETE_IN_PROGRESS",),
}


def physical_id(zone_id: str, name: str) -> str:
    return f"{PREFIX}:{zone_id}:{name}"


def parse_physical_id(value: str) -> tuple[str, str] | None:
    parts = value.split(":")
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    return parts[1], parts[2]


def stack_parts(stack_id: str) -> tuple[str, str] | None:
    """(region, account) of ``arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/ID``."""
    parts = stack_id.split(":")
    if len(parts) != 6 or parts[2] != "cloudformation" or not parts[3] \
            or not parts[5].startswith("stack/"):
        return None
    return parts[3], parts[4]


def _replaced(requested: str, current: str) -> bool:
    old, new = parse_physical_id(requested), parse_physical_id(current)
    return old is not None and new is not None and old[1] != new[1]


def refusal(event: Mapping[str, Any], resource: StackResource | None) -> str | None:
    """Why CloudFormation is not waiting for this request (None: it is)."""
    request = str(event.get("RequestType", ""))
    stack = str(event.get("StackId", ""))
    logical = str(event.get("LogicalResourceId", ""))
    where = stack_parts(stack)
    said = f"account {where[1]}, {where[0]}" if where else "its account"
    if resource is None:
        return (f"CloudFormation ({said}) knows no resource {logical} in stack {stack}: "
                "the request was not sent by that stack; nothing was changed")
    physical = str(event.get("PhysicalResourceId", ""))
    wanted = IN_PROGRESS.get(request, ())
    if request == "Create":
        if resource.status in wanted:
            return None
        return (f"resource {logical} of stack {stack} is {resource.status}, not "
                "CREATE_IN_PROGRESS: CloudFormation is not creating it; nothing was changed")
    if request == "Delete" and resource.physical_id != physical \
            and _replaced(physical, resource.physical_id):
        return None
    if resource.physical_id != physical:
        return (f"resource {logical} of stack {stack} has the physical id "
                f"{resource.physical_id or '(none)'}, not {physical or '(none)'}: the request "
                "was not sent by that stack; nothing was changed")
    if resource.status not in wanted:
        return (f"resource {logical} of stack {stack} is {resource.status}, not "
                f"{' or '.join(wanted)}: CloudFormation is not waiting for this {request}; "
                "nothing was changed")
    return None
