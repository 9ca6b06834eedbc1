"""CloudFormation's side of the custom resource protocol, for the handler tests: real
stacks (moto's ``CreateStack`` in the consumer account), and the state CloudFormation
holds a custom resource in while it waits for the answer and after it (the sandbox
emulation :mod:`zonecut.sandbox.cfn_fidelity`, as moto cannot show it)."""

from __future__ import annotations

import json
from typing import Any

from child_support import DEV
from lambda_events import custom_resource

from sandbox_fixtures import session_for
from zonecut.aws_lambda import custom_resource as cr
from zonecut.sandbox import Sandbox

REGION = "eu-west-1"
TEMPLATE = json.dumps({"Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}})
"""The stack's own (moto) resources; the custom resource is the emulated one."""
SENT = {"Create": "CREATE_IN_PROGRESS", "Update": "UPDATE_IN_PROGRESS",
        "Delete": "DELETE_IN_PROGRESS"}
ANSWERED = {("Create", "SUCCESS"): "CREATE_COMPLETE", ("Create", "FAILED"): "CREATE_FAILED",
            ("Update", "SUCCESS"): "UPDATE_COMPLETE", ("Update", "FAILED"): "UPDATE_FAILED",
            ("Delete", "SUCCESS"): "DELETE_COMPLETE", ("Delete", "FAILED"): "DELETE_FAILED"}


class CloudFormation:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.stacks: dict[tuple[str, str], str] = {}

    def stack_id(self, account: str = DEV, name: str = "dev-dns") -> str:
        """The id of the stack ``name`` in ``account`` (made on first use)."""
        found = self.stacks.get((account, name))
        if found is None:
            client = session_for(self.sandbox, account).client("cloudformation",
                                                               region_name=REGION)
            found = str(client.create_stack(StackName=name, TemplateBody=TEMPLATE)["StackId"])
            self.stacks[(account, name)] = found
        return found

    def event(self, request: str, account: str, url: str, properties: dict[str, Any], *,
              stack: str = "dev-dns", **extra: Any) -> dict[str, Any]:
        """A request of the real stack ``stack`` of ``account``."""
        return custom_resource(request, account, url, properties,
                               stack_id=self.stack_id(account, stack), **extra)

    def sending(self, event: dict[str, Any]) -> None:
        """CloudFormation sends ``event``: the resource is in progress with the request's
        physical id (none yet for a Create)."""
        self.sandbox.set_stack_resource(
            _account(event), event["StackId"], event["LogicalResourceId"],
            physical_id=str(event.get("PhysicalResourceId", "")),
            status=SENT[event["RequestType"]])

    def answered(self, event: dict[str, Any], response: dict[str, Any] | None) -> None:
        """The answer arrived (None: it never did, CloudFormation gave up waiting)."""
        status = response["Status"] if response else "FAILED"
        physical = (response or {}).get("PhysicalResourceId") or str(
            event.get("PhysicalResourceId", ""))
        self.sandbox.set_stack_resource(
            _account(event), event["StackId"], event["LogicalResourceId"],
            physical_id=physical, status=ANSWERED[(event["RequestType"], status)])

    def send(self, event: dict[str, Any], context: Any = None, *, cleanup: bool = False,
             **kwargs: Any) -> dict[str, Any]:
        """The request as CloudFormation makes it, handled by the custom resource.
        ``cleanup``: the Delete of a replaced physical id, after an update that changed
        it (the resource itself stays as the update left it)."""
        if not cleanup:
            self.sending(event)
        sent = cr.handler(event, context, **kwargs)
        if not cleanup:
            self.answered(event, sent)
        return sent


def _account(event: dict[str, Any]) -> str:
    return str(event["StackId"]).split(":")[4]
