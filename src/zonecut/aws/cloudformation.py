"""CloudFormation reads for the custom resource: what a stack says about one of its
resources (``DescribeStackResource``), in the stack's own account and region."""

from __future__ import annotations

from dataclasses import dataclass

from zonecut.aws.errors import AwsError
from zonecut.aws.service import ServiceAccount


@dataclass(frozen=True)
class StackResource:
    """One resource of a stack as CloudFormation holds it (``StackResourceDetail``)."""

    stack_id: str
    logical_id: str
    physical_id: str
    resource_type: str
    status: str


class CloudFormationAccount(ServiceAccount):
    """One account's CloudFormation in one region (read only)."""

    service = "cloudformation"
    label = "CloudFormation"

    def stack_resource(self, stack_id: str, logical_id: str) -> StackResource | None:
        """The resource ``logical_id`` of the stack ``stack_id``; None when CloudFormation
        knows no such stack or resource in this account and region (``ValidationError``,
        as the API answers both)."""
        try:
            page = self._call("describe_stack_resource",
                              f"reading resource {logical_id} of stack {stack_id}",
                              StackName=stack_id, LogicalResourceId=logical_id)
        except AwsError as exc:
            if exc.code == "ValidationError":
                return None
            raise
        detail = page["StackResourceDetail"]
        return StackResource(
            stack_id=str(detail.get("StackId", stack_id)),
            logical_id=str(detail["LogicalResourceId"]),
            physical_id=str(detail.get("PhysicalResourceId", "")),
            resource_type=str(detail.get("ResourceType", "")),
            status=str(detail["ResourceStatus"]))
