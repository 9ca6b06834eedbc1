"""An emulated multi-account AWS organisation (moto) and a DNS hierarchy on loopback.

Importing this package imports moto (the ``sandbox`` extra); ``import zonecut`` does not.
See docs/sandbox.md.
"""

from zonecut.sandbox.control import SandboxClient, SandboxControl, SandboxControlError
from zonecut.sandbox.dns_wire import BEHAVIOURS, Behaviour
from zonecut.sandbox.info import SandboxInfo, ServerAddress
from zonecut.sandbox.server import Sandbox, SandboxError, active_sandbox

__all__ = [
    "BEHAVIOURS",
    "Behaviour",
    "Sandbox",
    "SandboxClient",
    "SandboxControl",
    "SandboxControlError",
    "SandboxError",
    "SandboxInfo",
    "ServerAddress",
    "active_sandbox",
]
