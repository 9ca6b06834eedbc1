"""An emulated multi-account AWS organisation (moto) and a DNS hierarchy on loopback.

``import zonecut`` never imports moto (the ``sandbox`` extra). Here, the in-process
:class:`Sandbox` (and everything that patches moto) is imported on first use, so the
background-mode functions and the control client stay cheap. See docs/sandbox.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from zonecut.sandbox.control import SandboxClient, SandboxControl, SandboxControlError
from zonecut.sandbox.dns_wire import BEHAVIOURS, Behaviour
from zonecut.sandbox.info import SandboxInfo, ServerAddress
from zonecut.sandbox.process import SandboxProcessError, down, load_info, status, up

if TYPE_CHECKING:
    from zonecut.sandbox.server import Sandbox, SandboxError, active_sandbox

_LAZY = {"Sandbox", "SandboxError", "active_sandbox"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from zonecut.sandbox import server

        return getattr(server, name)
    raise AttributeError(f"module 'zonecut.sandbox' has no attribute {name!r}")


__all__ = [
    "BEHAVIOURS",
    "Behaviour",
    "Sandbox",
    "SandboxClient",
    "SandboxControl",
    "SandboxControlError",
    "SandboxError",
    "SandboxInfo",
    "SandboxProcessError",
    "ServerAddress",
    "active_sandbox",
    "down",
    "load_info",
    "status",
    "up",
]
