"""The in-process sandbox: moto's server with Route 53 fidelity, plus the DNS tree.

moto keeps its data in process-wide globals, so one process runs at most one
:class:`Sandbox` at a time (a second ``start()`` raises).
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from moto.moto_api._internal.models import moto_api_backend
from moto.moto_server.threaded_moto_server import ThreadedMotoServer
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

from zonecut.sandbox import acm_wait as acm_wait_setting
from zonecut.sandbox import calls as call_counting
from zonecut.sandbox import (
    cfn_fidelity,
    dnssec_api,
    dnssec_state,
    domains_api,
    fidelity,
    moto_speed,
    org_paging,
    ssm_fidelity,
    validation,
)
from zonecut.sandbox.accounts import check_account_id, create_roles
from zonecut.sandbox.control import SandboxControl, write_root_hints, write_trust_anchor
from zonecut.sandbox.control_app import ControlMiddleware
from zonecut.sandbox.dns_hierarchy import DnsHierarchy, default_port
from zonecut.sandbox.dns_wire import Behaviour
from zonecut.sandbox.fault_settings import FAULT_KINDS, FaultSettings
from zonecut.sandbox.faults import FaultInjector
from zonecut.sandbox.info import SandboxInfo
from zonecut.sandbox.nameservers import Assigner, NameServerPool
from zonecut.sandbox.zone_data import BACKEND_LOCK, bump_generation

log = logging.getLogger(__name__)
_active_lock = threading.Lock()
_active: Sandbox | None = None


class SandboxError(RuntimeError):
    """The sandbox could not start, or was used before ``start()``."""


def active_sandbox() -> Sandbox | None:
    """The sandbox running in this process, if any."""
    return _active


class _MotoServer(ThreadedMotoServer):
    """moto's threaded server with the control endpoint in front of its WSGI app.

    Overrides ``_server_entry`` (moto 5.x) to wrap the app and to report a failed
    bind instead of leaving ``start()`` waiting forever.
    """

    def __init__(self, host: str, port: int, control: SandboxControl) -> None:
        super().__init__(ip_address=host, port=port, verbose=False)
        self._control = control
        self.error: BaseException | None = None

    def _server_entry(self) -> None:
        try:
            app = ControlMiddleware(DomainDispatcherApplication(create_backend_app), self._control)
            self._server = make_server(
                self._ip_address, self._port, app, True, request_handler=MotoRequestHandler
            )
        except BaseException as exc:
            self.error = exc
            self._server_ready_event.set()
            return
        self._server_ready_event.set()
        self._server.serve_forever()


class Sandbox:
    """An emulated multi-account AWS organisation with a DNS hierarchy on loopback.

    Use as a context manager or call :meth:`start` / :meth:`stop`. Boto3 clients
    talk to :attr:`endpoint_url`; :func:`zonecut.sandbox.session_for`-style
    ``sts.assume_role`` of ``arn:aws:iam::<account>:role/<any>`` lands in that account.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        dns: bool = True,
        dns_port: int | None = None,
        pool_size: int = 64,
        seed: int = 0,
        dns_network: int | None = None,
        accounts: Sequence[str] = (),
        rate_limit: float = 0.0,
        rate_burst: float | None = None,
        fault_rate: float = 0.0,
        fault_kinds: str | Sequence[str] = FAULT_KINDS,
        fault_seed: int = 0,
        pending_seconds: float = 0.0,
        acm_wait: float | None = None,
        faults: FaultSettings | None = None,
    ) -> None:
        """``faults``, when given, are the fault settings to start with (and to go back
        to on reset) instead of the ones the other fault keywords make."""
        if not host.startswith("127."):
            raise ValueError(f"the sandbox listens on loopback only, not {host!r}")
        self.host = host
        self.port = port
        self.dns_enabled = dns
        self.accounts = [check_account_id(a) for a in accounts]
        self.pool = NameServerPool(size=pool_size, seed=seed)
        self.assigner = Assigner(self.pool)
        self.counter = call_counting.CallCounter()
        self.initial_faults = FaultSettings().updated(
            rate_limit=rate_limit, rate_burst=rate_burst, fault_rate=fault_rate,
            fault_kinds=fault_kinds, fault_seed=fault_seed, pending_seconds=pending_seconds)
        if faults is not None:
            self.initial_faults = faults
        self.injector = FaultInjector(self.initial_faults)
        self._dns_port = dns_port if dns_port is not None else default_port()
        self._dns_network = dns_network
        self._server: _MotoServer | None = None
        self._dns: DnsHierarchy | None = None
        self._endpoint_url: str | None = None
        self.acm_wait = acm_wait_setting.chosen_wait(acm_wait)
        """Seconds a new certificate stays PENDING_VALIDATION (see
        :mod:`zonecut.sandbox.acm_wait`)."""
        self._acm_wait_before: float | None = None

    # -- lifecycle --------------------------------------------------------------------
    def start(self) -> SandboxInfo:
        global _active
        with _active_lock:
            if _active is not None:
                raise SandboxError(
                    "a sandbox is already running in this process (moto's data is global)"
                )
            _active = self
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self.info

    def _start(self) -> None:
        werkzeug_log = logging.getLogger("werkzeug")
        if werkzeug_log.level == logging.NOTSET:
            werkzeug_log.setLevel(logging.WARNING)
        with BACKEND_LOCK:
            moto_api_backend.reset()
            moto_speed.install()
            fidelity.install(self.assigner)
            dnssec_api.install()
            domains_api.install()
            domains_api.set_pending(lambda: self.injector.settings.pending_seconds)
            ssm_fidelity.install()
            cfn_fidelity.install()
            org_paging.install()  # ListAccounts a page at a time (zonecut/sandbox/org_paging.py)
            validation.install()
            call_counting.install(self.counter)
            call_counting.set_interceptor(self.injector.intercept)
            self._acm_wait_before = acm_wait_setting.install(self.acm_wait)
            bump_generation()
        self._server = _MotoServer(self.host, self.port, self)
        self._server.start()
        if self._server.error is not None:
            raise SandboxError(f"the moto server could not start: {self._server.error}")
        host, port = self._server.get_host_and_port()
        self._endpoint_url = f"http://{host}:{port}"
        create_roles(self.accounts)
        if self.dns_enabled:
            self._dns = DnsHierarchy(self.pool, port=self._dns_port, network=self._dns_network)
            self._dns.start()
            dnssec_state.set_registry(self._dns.registration)
        log.info("sandbox started at %s", self._endpoint_url)

    def stop(self) -> None:
        """Stop the DNS servers and moto; restore moto's own Route 53 behaviour."""
        global _active
        if self._dns is not None:
            self._dns.stop()
            self._dns = None
        if self._server is not None:
            if self._server.error is None:
                self._server.stop()
            self._server = None
        self._endpoint_url = None
        with _active_lock:
            if _active is self:
                fidelity.uninstall()
                dnssec_api.uninstall()
                domains_api.uninstall()
                dnssec_state.set_registry(None)
                call_counting.uninstall()
                validation.uninstall()
                ssm_fidelity.uninstall()
                if self._acm_wait_before is not None:
                    acm_wait_setting.restore(self._acm_wait_before)
                    self._acm_wait_before = None
                cfn_fidelity.uninstall()
                moto_speed.uninstall()
                _active = None

    def __enter__(self) -> Sandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- what callers see -------------------------------------------------------------
    @property
    def endpoint_url(self) -> str:
        if self._endpoint_url is None:
            raise SandboxError("the sandbox is not running")
        return self._endpoint_url

    @property
    def info(self) -> SandboxInfo:
        dns = self._dns
        return SandboxInfo(
            endpoint_url=self.endpoint_url,
            pid=os.getpid(),
            dns=dns is not None,
            root_hints=dns.root_hints if dns is not None else [],
            servers=dns.servers if dns is not None else {},
            accounts=list(self.accounts),
            trust_anchor=dns.trust_anchor if dns is not None else [],
        )

    @property
    def dns(self) -> DnsHierarchy:
        if self._dns is None:
            raise SandboxError("the sandbox runs without DNS (dns=False) or is not running")
        return self._dns

    # -- control ----------------------------------------------------------------------
    def reset(self) -> None:
        """Clear all AWS data, registrations, behaviours, counters and assignment history;
        the fault settings go back to those the sandbox was made with, their counts to 0."""
        with BACKEND_LOCK:
            moto_api_backend.reset()
            cfn_fidelity.reset()
            domains_api.reset()
            self.assigner.reset()
            bump_generation()
        self.counter.reset()
        self.injector.reset(self.initial_faults)
        create_roles(self.accounts)
        if self._dns is not None:
            self._dns.reset()

    def set_stack_resource(self, account_id: str, stack_id: str, logical_id: str, *,
                           physical_id: str, status: str,
                           resource_type: str = "Custom::ZonecutDelegation") -> None:
        """CloudFormation's side of a custom resource: the state ``DescribeStackResource``
        reports for ``logical_id`` of the (moto) stack ``stack_id`` (see
        :mod:`zonecut.sandbox.cfn_fidelity`)."""
        cfn_fidelity.set_state(account_id, stack_id, logical_id, physical_id=physical_id,
                               status=status, resource_type=resource_type)

    def register(self, zone_name: str, name_servers: Sequence[str],
                 ds: Sequence[str] = ()) -> None:
        """Like a registrar: the TLD server delegates ``zone_name`` to ``name_servers``
        and publishes ``ds`` (DS values as text, ``"<tag> 13 2 <hex>"``) for it."""
        self.dns.register(zone_name, name_servers, ds)

    def unregister(self, zone_name: str) -> None:
        self.dns.unregister(zone_name)

    def set_behaviour(self, server_name: str, behaviour: Behaviour) -> None:
        """Fault injection: ``silent``, ``no-aa``, ``refused``, ``servfail`` or ``normal``."""
        self.dns.set_behaviour(server_name, behaviour)

    def calls(self) -> dict[tuple[str, str], int]:
        """Route 53 and STS requests so far, keyed (account id, operation)."""
        return self.counter.calls()

    def reset_calls(self) -> None:
        """Zero the call counts and the fault counts."""
        self.counter.reset()
        self.injector.reset_counts()

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
        """Change the fault injection while running; returns the settings now in effect.

        Starts from ``settings`` when given, else from the current settings, and changes
        every keyword that is not None: ``set_faults(rate_limit=5)`` only sets the rate
        limit, ``set_faults(FaultSettings())`` turns everything off. Buckets start full
        and the per-account generators restart from the seed; counts are kept.
        """
        base = settings if settings is not None else self.injector.settings
        new = base.updated(
            rate_limit=rate_limit, rate_burst=rate_burst, fault_rate=fault_rate,
            fault_kinds=fault_kinds, fault_seed=fault_seed, pending_seconds=pending_seconds)
        self.injector.configure(new)
        return new

    def fault_settings(self) -> FaultSettings:
        return self.injector.settings

    def faults(self) -> dict[tuple[str, str], int]:
        """Injected faults so far, keyed (account id, kind): ``throttle``, ``prior``,
        ``5xx``, ``drop``, ``rate-limit`` for requests refused by the rate limit and
        ``quota`` for those refused by Route 53's token buckets (``quotas``)."""
        return self.injector.counts()

    def write_root_hints(self, path: Path | str) -> None:
        write_root_hints(self.info, path)

    def write_trust_anchor(self, path: Path | str) -> None:
        write_trust_anchor(self.info, path)
