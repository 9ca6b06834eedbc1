"""A patch that makes moto's SSM Parameter Store keep a rule zonecut depends on.

``put_parameter``: an advanced parameter cannot go back to the standard tier. The SSM
API reference (PutParameter, Tier): "you can't revert an advanced parameter to a
standard parameter. Reverting an advanced parameter to a standard parameter would result
in data loss because the system would truncate the size of the parameter from 8 KB to
4 KB." moto accepts the downgrade; here it is ``ValidationException`` and the parameter
is left as it was. A put without ``Tier`` keeps the parameter's tier (as moto does).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from moto.ssm.exceptions import ValidationException
from moto.ssm.models import SimpleSystemManagerBackend

DOWNGRADE_MESSAGE = (
    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from "
    "the advanced-parameter tier to the standard-parameter tier. If necessary, you can "
    "delete the advanced parameter and recreate it as a standard parameter."
)
_originals: dict[str, Callable[..., Any]] = {}


def _put_parameter(self: Any, name: str, *args: Any, **kwargs: Any) -> Any:
    tier = kwargs.get("tier")
    if tier == "Standard":
        current = self.get_parameter(name)
        if current is not None and current.tier == "Advanced":
            raise ValidationException(DOWNGRADE_MESSAGE)
    return _originals["put_parameter"](self, name, *args, **kwargs)


def install() -> None:
    if SimpleSystemManagerBackend.put_parameter is not _put_parameter:
        _originals["put_parameter"] = SimpleSystemManagerBackend.put_parameter
        SimpleSystemManagerBackend.put_parameter = _put_parameter  # type: ignore[method-assign]


def uninstall() -> None:
    if "put_parameter" in _originals:
        SimpleSystemManagerBackend.put_parameter = _originals.pop(  # type: ignore[method-assign]
            "put_parameter")
