"""Every Route 53, SSM and ACM request checked against the botocore service model.

moto checks few of the model's constraints, botocore on the client only ``required``,
types and ``min``. Here each request that reaches the sandbox is rebuilt into its
parameters (:mod:`zonecut.sandbox.request_params`) and checked against the operation's
input shape (:mod:`zonecut.sandbox.model_rules`) before moto sees it:

- Route 53 (REST-XML): a body the XML schema refuses is ``InvalidInput`` in the
  schema's words (``Invalid XML ; cvc-maxLength-valid: ...``), the first violation only,
  as a schema validator stops there; URI and query-string parameters are
  ``InvalidInput`` in AWS's validation wording (``1 validation error detected: ...``).
- SSM and ACM (JSON): ``ValidationException`` with every violation in AWS's validation
  wording.

Installed by wrapping ``call_action`` of moto's response classes (before the call
counting of :mod:`zonecut.sandbox.calls`, which then wraps this: faults come first).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from botocore.model import OperationModel
from moto.acm.responses import AWSCertificateManagerResponse
from moto.route53.responses import Route53
from moto.ssm.responses import SimpleSystemManagerResponse

from zonecut.sandbox.faults import ROUTE53_XMLNS, Response, error_response
from zonecut.sandbox.model_rules import (
    Violation,
    schema_message,
    service_model,
    validation_message,
    violations,
)
from zonecut.sandbox.request_params import (
    Unreadable,
    body_members,
    json_params,
    rest_xml_params,
)

_SERVICES: dict[type[Any], str] = {
    Route53: "route53",
    SimpleSystemManagerResponse: "ssm",
    AWSCertificateManagerResponse: "acm",
}
_originals: dict[type[Any], Any] = {}
_HANDED_OUT = frozenset({"marker", "nextToken"})
"""Page tokens: moto hands out its own (longer than AWS's), so they are not checked."""


def json_error(code: str, message: str, status: int = 400) -> Response:
    """A JSON-protocol error answer (``__type`` and ``message``), as botocore reads it."""
    body = json.dumps({"__type": code, "message": message})
    return status, {"Content-Type": "application/x-amz-json-1.1", "status": str(status)}, body


def _operation(service: str, name: str) -> OperationModel | None:
    model = service_model(service)
    if name not in model.operation_names:
        return None
    return model.operation_model(name)


def check(service: str, operation_name: str, *, path: str, query: str, body: str
          ) -> Response | None:
    """The error answer AWS gives this request for breaking the model, or None."""
    operation = _operation(service, operation_name)
    if operation is None or operation.input_shape is None:
        return None
    if service == "route53":
        try:
            params = rest_xml_params(operation, path, parse_qs(query, keep_blank_values=True),
                                     body)
        except Unreadable as exc:
            return error_response(400, "Sender", "InvalidInput", f"Invalid XML ; {exc}")
        return _route53_answer(operation, _checked(operation, params))
    try:
        params = json_params(body)
    except Unreadable:
        return json_error("SerializationException", "Start of structure or map found "
                          "where not expected.")
    found = _checked(operation, params)
    if found:
        return json_error("ValidationException", validation_message(found))
    return None


def _checked(operation: OperationModel, params: dict[str, Any]) -> list[Violation]:
    assert operation.input_shape is not None
    return [v for v in violations(operation.input_shape, params)
            if v.path.split(".", 1)[0] not in _HANDED_OUT]


def _route53_answer(operation: OperationModel, found: list[Violation]) -> Response | None:
    if not found:
        return None
    in_body = body_members(operation)
    uri = [v for v in found if v.path.split(".", 1)[0] not in _lower(in_body)]
    if uri:
        return error_response(400, "Sender", "InvalidInput", validation_message(uri))
    return error_response(400, "Sender", "InvalidInput",
                          schema_message(found[0], ROUTE53_XMLNS))


def _lower(names: frozenset[str]) -> frozenset[str]:
    return frozenset(n[:1].lower() + n[1:] for n in names)


def _validating(original: Callable[..., Any], service: str) -> Callable[..., Any]:
    def call_action(self: Any) -> Any:
        body = self.body if isinstance(self.body, str) else ""
        refused = check(service, str(self._get_action()), path=str(self.parsed_url.path),
                        query=str(self.parsed_url.query), body=body)
        if refused is not None:
            return refused
        return original(self)

    call_action.zonecut_validating = True  # type: ignore[attr-defined]
    return call_action


def install() -> None:
    """Check every request of the three services from now on (idempotent)."""
    for cls, service in _SERVICES.items():
        if not getattr(cls.call_action, "zonecut_validating", False) and cls not in _originals:
            _originals[cls] = cls.__dict__.get("call_action")
            cls.call_action = _validating(cls.call_action, service)


def uninstall() -> None:
    for cls, own in _originals.items():
        if own is None:
            del cls.call_action
        else:
            cls.call_action = own
    _originals.clear()
