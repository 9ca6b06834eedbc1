"""The control endpoint: a WSGI layer in front of moto's app, under ``/zonecut-sandbox/``.

``GET info``, ``GET calls``, ``POST reset``, ``POST reset-calls``, ``POST register``
``{"zone", "name_servers", "ds"}``, ``POST unregister`` ``{"zone"}``, ``POST behaviour``
``{"server", "behaviour"}``, ``GET faults`` (settings and counts), ``POST faults``
(settings, see :class:`~zonecut.sandbox.fault_settings.FaultSettings`); JSON in and
out, errors as ``{"error": message}`` with HTTP 400. Every other request goes to moto;
after moto's own ``POST /moto-api/reset`` the DNS view of Route 53 is marked stale, and
a request whose answer the fault injection drops gets its connection closed instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, cast

from zonecut.sandbox import faults
from zonecut.sandbox.control import CONTROL_PREFIX, SandboxControl, calls_to_json
from zonecut.sandbox.dns_wire import Behaviour
from zonecut.sandbox.fault_settings import FaultSettings, faults_to_json
from zonecut.sandbox.zone_data import bump_generation

StartResponse = Callable[..., Any]
WsgiApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]
_MAX_BODY = 1 << 20


class ControlMiddleware:
    def __init__(self, app: WsgiApp, control: SandboxControl) -> None:
        self.app = app
        self.control = control

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO", ""))
        if path.startswith(CONTROL_PREFIX):
            return self._control(environ, start_response, path[len(CONTROL_PREFIX):])
        faults.begin_request()
        result = self.app(environ, start_response)
        if path.rstrip("/") == "/moto-api/reset":
            bump_generation()
        if faults.drop_requested():
            faults.drop_connection(environ, result)
        return result

    def _control(
        self, environ: dict[str, Any], start_response: StartResponse, action: str
    ) -> Iterable[bytes]:
        method = str(environ.get("REQUEST_METHOD", "GET"))
        try:
            body = _read_json(environ)
            status, payload = self._dispatch(method, action, body)
        except (ValueError, KeyError, TypeError) as exc:
            status, payload = "400 Bad Request", {"error": str(exc)}
        data = json.dumps(payload).encode()
        start_response(
            status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        )
        return [data]

    def _dispatch(self, method: str, action: str, body: dict[str, Any]) -> tuple[str, Any]:
        control = self.control
        ok = "200 OK"
        if method == "GET" and action == "info":
            return ok, control.info.to_dict()
        if method == "GET" and action == "calls":
            return ok, {"calls": calls_to_json(control.calls())}
        if method == "GET" and action == "faults":
            return ok, {"settings": control.fault_settings().to_dict(),
                        "faults": faults_to_json(control.faults())}
        if method != "POST":
            return "404 Not Found", {"error": f"no {method} {action}"}
        if action == "reset":
            control.reset()
        elif action == "reset-calls":
            control.reset_calls()
        elif action == "register":
            servers = body["name_servers"]
            if not isinstance(servers, list):
                raise TypeError("name_servers must be a list of host names")
            ds = body.get("ds", [])
            if not isinstance(ds, list):
                raise TypeError("ds must be a list of DS values")
            control.register(str(body["zone"]), [str(s) for s in servers], [str(d) for d in ds])
        elif action == "unregister":
            control.unregister(str(body["zone"]))
        elif action == "faults":
            # keys left out keep their current value
            settings = control.set_faults(
                FaultSettings.from_dict(body, base=control.fault_settings()))
            return ok, {"settings": settings.to_dict()}
        elif action == "behaviour":
            control.set_behaviour(str(body["server"]), cast(Behaviour, str(body["behaviour"])))
        else:
            return "404 Not Found", {"error": f"no POST {action}"}
        return ok, {"ok": True}


def _read_json(environ: dict[str, Any]) -> dict[str, Any]:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return {}
    if length > _MAX_BODY:
        raise ValueError("request body too large")
    data = json.loads(environ["wsgi.input"].read(length))
    if not isinstance(data, dict):
        raise ValueError("the request body must be a JSON object")
    return data
