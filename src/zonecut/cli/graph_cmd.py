"""`zonecut graph`: a picture of the declared delegation tree and its health."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from zonecut import __version__
from zonecut.audit.findings import AuditFinding
from zonecut.audit.inventory import Inventory
from zonecut.audit.tree import OrgTree
from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    ConfigOpt,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
    account_keys,
    dns_roots,
    err,
    fail,
    guarded,
    read_config,
    resolve_target,
)
from zonecut.cli.verify_cmd import policy_for
from zonecut.config.document import Config
from zonecut.graph import (
    Graph,
    GraphFormat,
    from_verify,
    plan_lines,
    render,
)
from zonecut.runtime import Runtime
from zonecut.verify import (
    DelegationTarget,
    Observations,
    ObservationsFormatError,
    ServerAddress,
    VerifyPolicy,
    check,
    probe_sync,
)
from zonecut.verify.from_state import build_targets

ReplayOpt = Annotated[Path | None, typer.Option(
    "--replay", help="Draw from observations saved by `zonecut verify --save`: no AWS, "
    "no DNS.")]
RootHintsOpt = Annotated[Path | None, typer.Option(
    "--root-hints", help="Root hints file (named.root format); default: the real root "
    "servers, or the sandbox's with --sandbox.")]
TimeoutOpt = Annotated[float, typer.Option(help="Seconds per DNS query attempt.")]
RetriesOpt = Annotated[int, typer.Option(help="Retries after a timeout.")]
ConcurrencyOpt = Annotated[int, typer.Option(help="Most DNS queries in flight.")]


def title_for(targets: list[DelegationTarget], accounts: int) -> str:
    roots = [t.child for t in targets if t.parent is None] or sorted(
        {t.child for t in targets})[:1]
    return f"Delegation tree of {', '.join(roots) or 'no zone'} ({accounts} account(s))"


def live_graph(cfg: Config, runtime: Runtime, roots: list[ServerAddress],
               port_map: dict[str, int], policy: VerifyPolicy) -> Graph:
    """Read Route 53 once (plan and targets), prove the delegations over DNS, and draw."""
    state = guarded(runtime.observe)
    the_plan = guarded(lambda: runtime.plan(state))
    targets = build_targets(runtime.tree.zones, state, state.apex_ns, ())
    observations = probe_sync(targets, roots, policy=policy, port_map=port_map or None)
    findings = check(targets, observations, policy)
    return from_verify(targets, findings, account_keys=account_keys(cfg),
                       unmanaged=the_plan.unmanaged, plan=plan_lines(the_plan),
                       title=title_for(targets, len(cfg.accounts)))


def replay_graph(replay: Path, config: Path, policy_args: tuple[float, int, int]) -> Graph:
    """The graph of saved observations; the config (if present) names the accounts."""
    try:
        observations = Observations.from_json(replay.read_text())
    except OSError as exc:
        fail(f"cannot read {replay}: {exc.strerror or exc}")
    except (ObservationsFormatError, ValueError) as exc:
        fail(f"{replay}: not zonecut observations: {exc}")
    cfg = read_config(config) if config.exists() else None
    targets = list(observations.targets)
    findings = check(targets, observations, policy_for(cfg, *policy_args))
    keys = account_keys(cfg) if cfg is not None else {}
    count = len({t.child_account for t in targets})
    return from_verify(targets, findings, account_keys=keys,
                       title=title_for(targets, count) + " (replayed)")


def graph_for(config: Path, replay: Path | None, root_hints: Path | None, timeout: float,
              retries: int, concurrency: int, endpoint_url: str | None, sandbox: bool,
              state_dir: Path) -> tuple[Graph, bool]:
    """The graph, and whether the plan is known (not for a replay)."""
    if replay is not None:
        return replay_graph(replay, config, (timeout, retries, concurrency)), False
    cfg = read_config(config)
    target = resolve_target(endpoint_url, sandbox, state_dir)
    roots, port_map = dns_roots(root_hints, sandbox, state_dir)
    runtime = guarded(lambda: Runtime(cfg, target, purpose="graph"))
    policy = policy_for(cfg, timeout, retries, concurrency)
    return live_graph(cfg, runtime, roots, port_map, policy), True


def write_output(data: str | bytes, path: Path | None, what: str) -> None:
    """Write ``data`` to ``path`` (or text to standard output)."""
    if path is None:
        if isinstance(data, bytes):
            fail(f"{what} is binary: give a file with --file")
        sys.stdout.write(data)
        sys.stdout.flush()
        return
    try:
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")
    err.print(f"{what} written to {path}", highlight=False, markup=False)


def graph(
    config: ConfigOpt = DEFAULT_CONFIG,
    output: Annotated[GraphFormat, typer.Option(
        "--output", "-o", help="svg or png (pictures), dot or mermaid (text for docs), "
        "json (the graph as data).")] = GraphFormat.svg,
    file: Annotated[Path | None, typer.Option(
        "--file", "-f", help="Write here (default: standard output; png needs a file).")]
    = None,
    replay: ReplayOpt = None,
    root_hints: RootHintsOpt = None,
    timeout: TimeoutOpt = 2.0,
    retries: RetriesOpt = 1,
    concurrency: ConcurrencyOpt = 64,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Draw the declared tree: accounts, zones, delegations, coloured by verify's findings.
    Exit 0 when drawn, whatever the findings (use `zonecut verify` to gate)."""
    if output is GraphFormat.png and file is None:
        fail("png is binary: give a file with --file")
    drawn, _ = graph_for(config, replay, root_hints, timeout, retries, concurrency,
                         endpoint_url, sandbox, state_dir)
    data = guarded(lambda: render(drawn, output))
    write_output(data, file, f"{output.value} picture" if output in (
        GraphFormat.svg, GraphFormat.png) else output.value)
    raise typer.Exit(0)


SUFFIXES = {".svg": GraphFormat.svg, ".png": GraphFormat.png, ".dot": GraphFormat.dot,
            ".gv": GraphFormat.dot, ".mmd": GraphFormat.mermaid,
            ".mermaid": GraphFormat.mermaid, ".json": GraphFormat.json}


def stamp() -> str:
    """When and by which zonecut a report was made (its footer)."""
    return f"zonecut {__version__}, {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"


def draw_audit(inventory: Inventory, tree: OrgTree, findings: Sequence[AuditFinding],
               path: Path) -> None:
    """`zonecut audit --graph FILE`: the tree that really exists, in the suffix's format."""
    from zonecut.graph import from_audit, render_html

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES and suffix not in (".html", ".htm"):
        fail(f"--graph {path}: the suffix picks the format: one of "
             f"{', '.join([*SUFFIXES, '.html'])}")
    drawn = from_audit(inventory, tree, findings)
    if suffix in (".html", ".htm"):
        write_output(render_html(drawn, plan_known=False, generated=stamp()), path, "report")
        return
    fmt = SUFFIXES[suffix]
    write_output(guarded(lambda: render(drawn, fmt)), path, f"{fmt.value} picture")


def write_pictures(drawn: Graph, out_dir: Path) -> list[tuple[str, Path]]:
    """The picture (SVG, and PNG when resvg-py is installed) and the HTML report in
    ``out_dir``: what `zonecut demo` leaves behind. Returns what was written."""
    from zonecut.graph import PngUnavailable, render_html, render_svg, svg_to_png

    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create {out_dir}: {exc.strerror or exc}")
    svg = render_svg(drawn)
    written: list[tuple[str, Path]] = []
    pieces: list[tuple[str, Path, str | bytes]] = [("picture (SVG)", out_dir / "graph.svg", svg)]
    try:
        pieces.append(("picture (PNG)", out_dir / "graph.png", svg_to_png(svg)))
    except PngUnavailable as exc:
        err.print(f"note: {exc}", highlight=False, markup=False)
    pieces.append(("report (HTML)", out_dir / "report.html",
                   render_html(drawn, generated=stamp())))
    for what, path, data in pieces:
        try:
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        except OSError as exc:
            fail(f"cannot write {path}: {exc.strerror or exc}")
        written.append((what, path))
    return written
