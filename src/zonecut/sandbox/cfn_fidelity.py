"""CloudFormation custom resources as CloudFormation holds them while it waits for the
provider's answer, which moto cannot show.

moto runs a stack's custom resource by invoking its Lambda function in Docker, creates
and deletes stacks synchronously, and reports every resource with the *stack's* status;
so it never shows a custom resource ``CREATE_IN_PROGRESS``, ``UPDATE_IN_PROGRESS`` or
``DELETE_IN_PROGRESS`` with the physical id the provider answered. The custom resource
handler relies on exactly that (``DescribeStackResource``: "Returns a description of the
specified resource in the specified stack"; ``StackResourceDetail.ResourceStatus``, the
``ResourceStatus`` enum of the botocore cloudformation service model).

The emulation is the smallest that shows it: the stack itself is moto's, made with
``CreateStack`` (an unknown stack or one of another account is moto's own
``ValidationError``); the sandbox holds, per (account, region, stack id, logical id),
the state of a custom resource as CloudFormation's side of the protocol sets it
(:meth:`zonecut.sandbox.Sandbox.set_stack_resource`: the request sent, the answer
received), and ``DescribeStackResource`` reports that resource with that status and
physical id. Everything else of CloudFormation is moto's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from moto.cloudformation import responses as cfn_responses
from moto.cloudformation.models import CloudFormationBackend

RESOURCE_STATUSES = frozenset({
    "CREATE_IN_PROGRESS", "CREATE_FAILED", "CREATE_COMPLETE", "DELETE_IN_PROGRESS",
    "DELETE_FAILED", "DELETE_COMPLETE", "DELETE_SKIPPED", "UPDATE_IN_PROGRESS",
    "UPDATE_FAILED", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_IN_PROGRESS",
    "UPDATE_ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_FAILED", "ROLLBACK_IN_PROGRESS",
    "ROLLBACK_COMPLETE", "ROLLBACK_FAILED"})
"""Resource statuses (botocore cloudformation model, ``ResourceStatus``; the import and
export ones left out)."""


@dataclass
class CustomResourceState:
    """Attribute names as moto's ``StackResourceDTO`` reads them."""

    logical_resource_id: str
    physical_resource_id: str
    cf_resource_type: str
    resource_status: str


_lock = threading.Lock()
_states: dict[tuple[str, str, str, str], CustomResourceState] = {}
_originals: dict[str, Any] = {}


def set_state(account_id: str, stack_id: str, logical_id: str, *, physical_id: str,
              status: str, resource_type: str = "Custom::ZonecutDelegation") -> None:
    """Record a custom resource's state (the stack must exist in moto when it is read)."""
    parts = stack_id.split(":")
    if len(parts) != 6 or parts[2] != "cloudformation" or parts[4] != account_id:
        raise ValueError(f"{stack_id!r} is not a stack ARN of account {account_id}")
    if status not in RESOURCE_STATUSES:
        raise ValueError(f"{status!r} is not a CloudFormation resource status")
    with _lock:
        _states[(account_id, parts[3], stack_id, logical_id)] = CustomResourceState(
            logical_id, physical_id, resource_type, status)


def reset() -> None:
    with _lock:
        _states.clear()


def _describe_stack_resource(self: Any, stack_name: str, logical_resource_id: str
                             ) -> tuple[Any, Any]:
    stack = self.get_stack(stack_name)  # moto's ValidationError for an unknown stack
    with _lock:
        state = _states.get((self.account_id, self.region_name, stack.stack_id,
                             logical_resource_id))
    if state is not None:
        return stack, state
    original: Callable[..., tuple[Any, Any]] = _originals["describe_stack_resource"]
    return original(self, stack_name, logical_resource_id)


class _ResourceDTO(cfn_responses.StackResourceDTO):
    """moto's DTO, with the resource's own status where the sandbox holds one."""

    def __init__(self, stack: Any, resource: Any) -> None:
        super().__init__(stack, resource)
        status = getattr(resource, "resource_status", None)
        if isinstance(status, str):
            self.resource_status = status


def install() -> None:
    if CloudFormationBackend.describe_stack_resource is not _describe_stack_resource:
        _originals["describe_stack_resource"] = CloudFormationBackend.describe_stack_resource
        _originals["dto"] = cfn_responses.StackResourceDTO
        CloudFormationBackend.describe_stack_resource = (  # type: ignore[method-assign]
            _describe_stack_resource)
        cfn_responses.StackResourceDTO = _ResourceDTO  # type: ignore[misc]


def uninstall() -> None:
    if "describe_stack_resource" in _originals:
        CloudFormationBackend.describe_stack_resource = (  # type: ignore[method-assign]
            _originals.pop("describe_stack_resource"))
        cfn_responses.StackResourceDTO = _originals.pop("dto")  # type: ignore[misc]
    reset()

