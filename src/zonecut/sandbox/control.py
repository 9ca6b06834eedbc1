"""Controlling a sandbox, in-process or in the background, through one interface.

:class:`SandboxControl` is what callers depend on; :class:`zonecut.sandbox.Sandbox`
(in-process) and :class:`SandboxClient` (HTTP to a background sandbox's control
endpoint under ``/zonecut-sandbox/`` on the moto port) both satisfy it. This module
does not import moto.
"""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

from zonecut.sandbox.dns_wire import Behaviour
from zonecut.sandbox.fault_settings import FaultSettings, faults_from_json
from zonecut.sandbox.info import SandboxInfo

CONTROL_PREFIX = "/zonecut-sandbox/"
# Loopback only: never through a proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class SandboxControl(Protocol):
    @property
    def info(self) -> SandboxInfo: ...

    @property
    def endpoint_url(self) -> str: ...

    def reset(self) -> None: ...

    def register(self, zone_name: str, name_servers: Sequence[str],
                 ds: Sequence[str] = ()) -> None: ...

    def unregister(self, zone_name: str) -> None: ...

    def set_behaviour(self, server_name: str, behaviour: Behaviour) -> None: ...

    def calls(self) -> dict[tuple[str, str], int]: ...

    def reset_calls(self) -> None: ...

    def set_faults(
        self,
        settings: FaultSettings | None = None,
        *,
        rate_limit: float | None = None,
        rate_burst: float | None = None,
        fault_rate: float | None = None,
        fault_kinds: str | Sequence[str] | None = None,
        fault_seed: int | None = None,
        pending_seconds: float | None = None,
    ) -> FaultSettings: ...

    def fault_settings(self) -> FaultSettings: ...

    def faults(self) -> dict[tuple[str, str], int]: ...

    def write_root_hints(self, path: Path | str) -> None: ...

    def write_trust_anchor(self, path: Path | str) -> None: ...


class SandboxControlError(RuntimeError):
    """The control endpoint refused a request or could not be reached."""


def write_root_hints(info: SandboxInfo, path: Path | str) -> None:
    """A ``named.root`` style hints file naming the sandbox root server(s) of ``info``."""
    lines = [f"; root hints for the zonecut sandbox at {info.endpoint_url}"]
    for server in info.root_hints:
        lines.append(f".\t3600000\tIN\tNS\t{server.name.upper()}.")
        lines.append(f"{server.name.upper()}.\t3600000\tIN\tA\t{server.address}")
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_trust_anchor(info: SandboxInfo, path: Path | str) -> None:
    """The sandbox root's DS in zone-file form (Unbound ``trust-anchor-file``)."""
    lines = [f"; DNSSEC trust anchor of the zonecut sandbox at {info.endpoint_url}",
             *info.trust_anchor]
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")


def calls_to_json(calls: dict[tuple[str, str], int]) -> list[list[Any]]:
    return [[account, operation, count] for (account, operation), count in sorted(calls.items())]


def calls_from_json(rows: list[list[Any]]) -> dict[tuple[str, str], int]:
    return {(str(account), str(op)): int(count) for account, op, count in rows}


class SandboxClient:
    """Talks to a sandbox's control endpoint (usually one started in the background)."""

    def __init__(self, info: SandboxInfo, *, timeout: float = 10.0) -> None:
        self._info = info
        self.timeout = timeout

    @property
    def info(self) -> SandboxInfo:
        return self._info

    @property
    def endpoint_url(self) -> str:
        return self._info.endpoint_url

    def refresh(self) -> SandboxInfo:
        """Fetch the current info (the server map grows when new TLDs are registered)."""
        self._info = SandboxInfo.from_dict(self._request("GET", "info"))
        return self._info

    def reset(self) -> None:
        self._request("POST", "reset")

    def register(self, zone_name: str, name_servers: Sequence[str],
                 ds: Sequence[str] = ()) -> None:
        self._request("POST", "register", {"zone": zone_name, "name_servers": list(name_servers),
                                           "ds": list(ds)})
        self.refresh()

    def unregister(self, zone_name: str) -> None:
        self._request("POST", "unregister", {"zone": zone_name})

    def set_behaviour(self, server_name: str, behaviour: Behaviour) -> None:
        self._request("POST", "behaviour", {"server": server_name, "behaviour": behaviour})

    def calls(self) -> dict[tuple[str, str], int]:
        return calls_from_json(self._request("GET", "calls")["calls"])

    def reset_calls(self) -> None:
        self._request("POST", "reset-calls")

    def set_faults(
        self,
        settings: FaultSettings | None = None,
        *,
        rate_limit: float | None = None,
        rate_burst: float | None = None,
        fault_rate: float | None = None,
        fault_kinds: str | Sequence[str] | None = None,
        fault_seed: int | None = None,
        pending_seconds: float | None = None,
    ) -> FaultSettings:
        """As :meth:`zonecut.sandbox.Sandbox.set_faults`."""
        base = settings if settings is not None else self.fault_settings()
        wanted = base.updated(
            rate_limit=rate_limit, rate_burst=rate_burst, fault_rate=fault_rate,
            fault_kinds=fault_kinds, fault_seed=fault_seed, pending_seconds=pending_seconds)
        body = wanted.to_dict()
        found = self._request("POST", "faults", body)
        return FaultSettings.from_dict(found["settings"])

    def fault_settings(self) -> FaultSettings:
        return FaultSettings.from_dict(self._request("GET", "faults")["settings"])

    def faults(self) -> dict[tuple[str, str], int]:
        """Injected faults so far, keyed (account id, kind); see :meth:`Sandbox.faults`."""
        return faults_from_json(self._request("GET", "faults")["faults"])

    def write_root_hints(self, path: Path | str) -> None:
        write_root_hints(self._info, path)

    def write_trust_anchor(self, path: Path | str) -> None:
        write_trust_anchor(self._info, path)

    def ping(self) -> bool:
        """True when the control endpoint answers."""
        try:
            self._request("GET", "info")
        except SandboxControlError:
            return False
        return True

    def _request(self, method: str, action: str, body: dict[str, Any] | None = None) -> Any:
        url = self._info.endpoint_url.rstrip("/") + CONTROL_PREFIX + action
        data = json.dumps(body or {}).encode() if method == "POST" else None
        request = urllib.request.Request(
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            with contextlib.suppress(ValueError, KeyError, TypeError):
                detail = str(cast(dict[str, Any], json.loads(detail))["error"])
            raise SandboxControlError(f"{method} {action}: {detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SandboxControlError(f"{method} {action}: {exc}") from exc
