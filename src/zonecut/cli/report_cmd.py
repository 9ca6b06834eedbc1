"""`zonecut report`: one self-contained HTML file of the tree, its findings and the plan."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from zonecut.cli.graph_cmd import (
    ConcurrencyOpt,
    ReplayOpt,
    RetriesOpt,
    RootHintsOpt,
    TimeoutOpt,
    graph_for,
    stamp,
    write_output,
)
from zonecut.cli.options import (
    DEFAULT_CONFIG,
    DEFAULT_STATE,
    ConfigOpt,
    EndpointOpt,
    SandboxOpt,
    StateDirOpt,
)
from zonecut.graph import render_html

DEFAULT_REPORT = Path("zonecut-report.html")


def report(
    config: ConfigOpt = DEFAULT_CONFIG,
    file: Annotated[Path, typer.Option(
        "--file", "-f", help="Where to write the HTML report.")] = DEFAULT_REPORT,
    replay: ReplayOpt = None,
    root_hints: RootHintsOpt = None,
    timeout: TimeoutOpt = 2.0,
    retries: RetriesOpt = 1,
    concurrency: ConcurrencyOpt = 64,
    endpoint_url: EndpointOpt = None,
    sandbox: SandboxOpt = False,
    state_dir: StateDirOpt = DEFAULT_STATE,
) -> None:
    """Write one HTML file (no network needed to view it): the picture, the findings with
    their fixes, and the pending plan. Exit 0 when written, whatever the findings."""
    drawn, plan_known = graph_for(config, replay, root_hints, timeout, retries, concurrency,
                                  endpoint_url, sandbox, state_dir)
    write_output(render_html(drawn, plan_known=plan_known, generated=stamp()), file,
                 "report")
    raise typer.Exit(0)
