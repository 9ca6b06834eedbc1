"""`zonecut sandbox up|down|status|run`: the offline emulated organisation."""

from __future__ import annotations

import shlex
import signal
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from zonecut.cli.options import DEFAULT_STATE, StateDirOpt, err, fail, out

if TYPE_CHECKING:
    from zonecut.sandbox.fault_settings import FaultSettings

sandbox_app = typer.Typer(help="The sandbox: an emulated multi-account AWS organisation "
                          "(moto server) plus a DNS hierarchy on loopback. No real AWS.",
                          no_args_is_help=True)

PortOpt = Annotated[int, typer.Option("--port", help="HTTP port of the emulated AWS "
                                      "endpoint (0: any free port).")]
DnsOpt = Annotated[bool, typer.Option("--dns/--no-dns", help="Also run the DNS hierarchy.")]
RateLimitOpt = Annotated[float | None, typer.Option(
    "--rate-limit", help="Route 53 requests per second per account; beyond it: Throttling "
    "(0: no limit, the default).")]
RateBurstOpt = Annotated[float | None, typer.Option(
    "--rate-burst", help="Requests an idle account may send at once (default: one second's "
    "worth, at least 2).")]
FaultRateOpt = Annotated[float | None, typer.Option(
    "--fault-rate", help="Share of Route 53 requests that fail (0 to 1; default 0).")]
FaultKindsOpt = Annotated[str | None, typer.Option(
    "--fault-kinds", help="Comma-separated: throttle, prior (PriorRequestNotComplete), 5xx, "
    "drop (processed, then the connection is closed); default all.")]
FaultSeedOpt = Annotated[int | None, typer.Option(
    "--fault-seed", help="Seed of the fault generators (default 0).")]
PendingOpt = Annotated[float | None, typer.Option(
    "--pending-seconds", help="GetChange reports PENDING this long after each change "
    "(default 0).")]

AcmWaitOpt = Annotated[float | None, typer.Option(
    "--acm-wait", min=0, help="Seconds a new ACM certificate stays PENDING_VALIDATION "
    "before the sandbox issues it (default: $MOTO_ACM_VALIDATION_WAIT, else 2; real ACM "
    "takes minutes).")]
RealisticOpt = Annotated[bool, typer.Option(
    "--realistic", help="Route 53 as users meet it: its documented token buckets, 80 ms "
    "per request (jittered), changes PENDING 10 s; other options change each part.")]
QuotasOpt = Annotated[bool | None, typer.Option(
    "--quotas/--no-quotas", help="Route 53's documented token buckets per account (50, "
    "10/s) and per operation (CreateHostedZone 40, 2/s; DeleteHostedZone 40, 5/s; others "
    "50, 10/s); beyond them: Throttling.")]
LatencyOpt = Annotated[float | None, typer.Option(
    "--latency-ms", help="Milliseconds every Route 53 request takes, jittered by 25% "
    "(default 0; 80 with --realistic).")]


def _fault_settings(base: FaultSettings, rate_limit: float | None, rate_burst: float | None,
                    fault_rate: float | None, fault_kinds: str | None, fault_seed: int | None,
                    pending_seconds: float | None, quotas: bool | None = None,
                    latency_ms: float | None = None) -> FaultSettings:
    try:
        return base.updated(rate_limit=rate_limit, rate_burst=rate_burst, fault_rate=fault_rate,
                            fault_kinds=fault_kinds, fault_seed=fault_seed,
                            pending_seconds=pending_seconds, quotas=quotas,
                            latency=None if latency_ms is None else latency_ms / 1000.0)
    except ValueError as exc:
        fail(str(exc))


def _start_settings(realistic: bool) -> FaultSettings:
    from zonecut.sandbox.fault_settings import FaultSettings

    return FaultSettings.realistic() if realistic else FaultSettings()


def _show_faults(settings: FaultSettings,
                 counts: dict[tuple[str, str], int] | None = None) -> None:
    if not settings.active:
        out.print("fault injection: off")
    else:
        parts = []
        if settings.rate_limit:
            parts.append(f"rate limit {settings.rate_limit:g}/s per account "
                         f"(burst {settings.burst:g})")
        if settings.fault_rate:
            parts.append(f"{settings.fault_rate:.0%} of requests fail "
                         f"({', '.join(settings.fault_kinds)}; seed {settings.fault_seed})")
        if settings.pending_seconds:
            parts.append(f"changes PENDING for {settings.pending_seconds:g} s")
        if settings.quotas:
            parts.append("Route 53's token buckets (account 50, 10/s; CreateHostedZone 40, "
                         "2/s; DeleteHostedZone 40, 5/s)")
        if settings.latency:
            parts.append(f"{settings.latency * 1000:g} ms a request "
                         f"(±{settings.latency_jitter:.0%})")
        out.print("fault injection: " + "; ".join(parts), highlight=False)
    if counts:
        table = Table("account", "kind", "injected")
        for (account, kind), n in sorted(counts.items()):
            table.add_row(account, kind, str(n))
        out.print(table)


def _require_sandbox_extra() -> None:
    try:
        import moto  # noqa: F401
    except ImportError:
        fail("the sandbox needs the `sandbox` extra: pip install 'zonecut[sandbox]'")


def _show(info: object, state_dir: Path = DEFAULT_STATE) -> None:
    from zonecut.sandbox import SandboxInfo

    assert isinstance(info, SandboxInfo)
    table = Table(show_header=False, box=None)
    table.add_row("endpoint", info.endpoint_url)
    table.add_row("pid", str(info.pid))
    table.add_row("dns", "on" if info.dns else "off")
    for hint in info.root_hints:
        table.add_row("root server", f"{hint.name} {hint.address} port {hint.port}")
    table.add_row("dns servers", str(len(info.servers)))
    for anchor in info.trust_anchor:
        table.add_row("trust anchor", anchor)
    out.print(table)
    where = "" if state_dir == DEFAULT_STATE else f" --state-dir {shlex.quote(str(state_dir))}"
    out.print(f"Use it with: zonecut plan --sandbox{where}   (or, with any key pair: "
              f"AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x zonecut plan --endpoint-url "
              f"{info.endpoint_url})")


@sandbox_app.command("up")
def up(state_dir: StateDirOpt = DEFAULT_STATE, port: PortOpt = 0, dns: DnsOpt = True,
       rate_limit: RateLimitOpt = None, rate_burst: RateBurstOpt = None,
       fault_rate: FaultRateOpt = None, fault_kinds: FaultKindsOpt = None,
       fault_seed: FaultSeedOpt = None, pending_seconds: PendingOpt = None,
       realistic: RealisticOpt = False, quotas: QuotasOpt = None,
       latency_ms: LatencyOpt = None,
       acm_wait: AcmWaitOpt = None) -> None:
    """Start the sandbox in the background; its state goes to STATE_DIR/sandbox.json."""
    _require_sandbox_extra()
    from zonecut.sandbox import process

    faults = _fault_settings(_start_settings(realistic), rate_limit, rate_burst, fault_rate,
                             fault_kinds, fault_seed, pending_seconds, quotas, latency_ms)
    running = process.status(state_dir)
    if running is not None:
        err.print("a sandbox is already running (change its faults with "
                  "`zonecut sandbox faults`):")
        _show(running, state_dir)
        return
    try:
        info = process.up(state_dir, port=port, dns=dns, faults=faults, acm_wait=acm_wait)
    except Exception as exc:  # a sandbox that cannot start is a user-facing problem
        fail(f"the sandbox did not start: {exc} (log: {state_dir / 'sandbox.log'})")
    _show(info, state_dir)
    _show_faults(faults)


@sandbox_app.command("faults")
def faults_command(state_dir: StateDirOpt = DEFAULT_STATE, rate_limit: RateLimitOpt = None,
                   rate_burst: RateBurstOpt = None, fault_rate: FaultRateOpt = None,
                   fault_kinds: FaultKindsOpt = None, fault_seed: FaultSeedOpt = None,
                   pending_seconds: PendingOpt = None, quotas: QuotasOpt = None,
                   latency_ms: LatencyOpt = None) -> None:
    """Show the background sandbox's fault injection and the faults injected so far;
    with options, change them first (options left out keep their value)."""
    _require_sandbox_extra()
    from zonecut.sandbox import SandboxClient, SandboxControlError, process

    info = process.status(state_dir)
    if info is None:
        fail("no sandbox is running (start one with `zonecut sandbox up`)")
    client = SandboxClient(info)
    try:
        current = client.fault_settings()
        wanted = _fault_settings(current, rate_limit, rate_burst, fault_rate, fault_kinds,
                                 fault_seed, pending_seconds, quotas, latency_ms)
        if wanted != current:
            current = client.set_faults(wanted)
        _show_faults(current, client.faults())
    except SandboxControlError as exc:
        fail(str(exc))


@sandbox_app.command("down")
def down(state_dir: StateDirOpt = DEFAULT_STATE) -> None:
    """Stop the background sandbox (its data is gone)."""
    _require_sandbox_extra()
    from zonecut.sandbox import process

    if process.down(state_dir):
        out.print("sandbox stopped")
    else:
        out.print("no sandbox was running")


@sandbox_app.command("status")
def status(state_dir: StateDirOpt = DEFAULT_STATE) -> None:
    """Say whether the background sandbox runs, and where. Exit 1 when it does not."""
    _require_sandbox_extra()
    from zonecut.sandbox import process

    info = process.status(state_dir)
    if info is None:
        out.print("no sandbox is running")
        raise typer.Exit(1)
    _show(info, state_dir)


@sandbox_app.command("run")
def run(state_dir: StateDirOpt = DEFAULT_STATE, port: PortOpt = 0, dns: DnsOpt = True,
        info_file: Annotated[Path | None, typer.Option(help="Write the sandbox info JSON "
                                                      "here.")] = None,
        rate_limit: RateLimitOpt = None, rate_burst: RateBurstOpt = None,
        fault_rate: FaultRateOpt = None, fault_kinds: FaultKindsOpt = None,
        fault_seed: FaultSeedOpt = None, pending_seconds: PendingOpt = None,
        realistic: RealisticOpt = False, quotas: QuotasOpt = None,
        latency_ms: LatencyOpt = None,
        acm_wait: AcmWaitOpt = None) -> None:
    """Run the sandbox in the foreground until Ctrl-C; while it runs, its state is in
    STATE_DIR/sandbox.json, so `--sandbox` finds it as it finds `sandbox up`'s."""
    _require_sandbox_extra()
    from zonecut.sandbox import Sandbox, process

    faults = _fault_settings(_start_settings(realistic), rate_limit, rate_burst, fault_rate,
                             fault_kinds, fault_seed, pending_seconds, quotas, latency_ms)
    if process.status(state_dir) is not None:
        fail(f"a sandbox is already running with state dir {state_dir} (see `zonecut "
             "sandbox status`); stop it, or give another --state-dir")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Sandbox(port=port, dns=dns, faults=faults, acm_wait=acm_wait) as sandbox:
        info = sandbox.info
        if info_file is not None:
            info_file.write_text(info.to_json())
        path = process.state_file(state_dir)
        try:
            state_dir.mkdir(parents=True, exist_ok=True)
            temporary = path.with_name(path.name + f".{info.pid}.tmp")
            temporary.write_text(info.to_json(), encoding="utf-8")
            temporary.replace(path)
        except OSError as exc:
            fail(f"cannot write the sandbox state file {path}: {exc.strerror or exc}")
        try:
            _show(info, state_dir)
            _show_faults(faults)
            out.print("running; Ctrl-C stops it")
            try:
                while not stop.wait(0.5):
                    pass
            except KeyboardInterrupt:
                pass
        finally:
            written = process.load_info(state_dir)
            if written is not None and written.pid == info.pid:
                path.unlink(missing_ok=True)
