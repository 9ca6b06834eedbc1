"""`zonecut sandbox up|down|status|run`: the offline emulated organisation."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from zonecut.cli.app import DEFAULT_STATE, StateDirOpt, app, err, fail, out

sandbox_app = typer.Typer(help="The sandbox: an emulated multi-account AWS organisation "
                          "(moto server) plus a DNS hierarchy on loopback. No real AWS.",
                          no_args_is_help=True)
app.add_typer(sandbox_app, name="sandbox")

PortOpt = Annotated[int, typer.Option("--port", help="HTTP port of the emulated AWS "
                                      "endpoint (0: any free port).")]
DnsOpt = Annotated[bool, typer.Option("--dns/--no-dns", help="Also run the DNS hierarchy.")]


def _require_sandbox_extra() -> None:
    try:
        import moto  # noqa: F401
    except ImportError:
        fail("the sandbox needs the `sandbox` extra: pip install 'zonecut[sandbox]'")


def _show(info: object) -> None:
    from zonecut.sandbox import SandboxInfo

    assert isinstance(info, SandboxInfo)
    table = Table(show_header=False, box=None)
    table.add_row("endpoint", info.endpoint_url)
    table.add_row("pid", str(info.pid))
    table.add_row("dns", "on" if info.dns else "off")
    for hint in info.root_hints:
        table.add_row("root server", f"{hint.name} {hint.address} port {hint.port}")
    table.add_row("dns servers", str(len(info.servers)))
    out.print(table)
    out.print(f"Use it with: zonecut plan --sandbox   (or --endpoint-url {info.endpoint_url})",
              highlight=False)


@sandbox_app.command("up")
def up(state_dir: StateDirOpt = DEFAULT_STATE, port: PortOpt = 0, dns: DnsOpt = True) -> None:
    """Start the sandbox in the background; its state goes to STATE_DIR/sandbox.json."""
    _require_sandbox_extra()
    from zonecut.sandbox import process

    running = process.status(state_dir)
    if running is not None:
        err.print("a sandbox is already running:")
        _show(running)
        return
    try:
        info = process.up(state_dir, port=port, dns=dns)
    except Exception as exc:  # a sandbox that cannot start is a user-facing problem
        fail(f"the sandbox did not start: {exc} (log: {state_dir / 'sandbox.log'})")
    _show(info)


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
    _show(info)


@sandbox_app.command("run")
def run(port: PortOpt = 0, dns: DnsOpt = True,
        info_file: Annotated[Path | None, typer.Option(help="Write the sandbox info JSON "
                                                      "here.")] = None) -> None:
    """Run the sandbox in the foreground until Ctrl-C."""
    _require_sandbox_extra()
    from zonecut.sandbox import Sandbox

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Sandbox(port=port, dns=dns) as sandbox:
        info = sandbox.info
        if info_file is not None:
            info_file.write_text(info.to_json())
        _show(info)
        out.print("running; Ctrl-C stops it")
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
