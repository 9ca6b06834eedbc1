"""zonecut's command line: the typer app, its top-level options, and every command
registered on it. Command modules import ``zonecut.cli.options`` (and the cores), never
this module; this module is the only one that knows them all."""

from __future__ import annotations

from typing import Annotated

import typer

from zonecut import __version__
from zonecut.cli import (
    apply_cmd,
    audit_cmd,
    demo,
    destroy_cmd,
    explain_cmd,
    graph_cmd,
    iam_cmd,
    lambda_cmd,
    plan_cmd,
    report_cmd,
    rotate_cmd,
    sandbox_cmds,
    tree_cmd,
    validate_cmd,
    verify_cmd,
)
from zonecut.cli.options import EXIT_CODES_HELP, ZonecutGroup, out, set_debug

app = typer.Typer(
    name="zonecut",
    cls=ZonecutGroup,
    help="Share one DNS domain across many AWS accounts: plan, apply and verify Route 53 "
    "delegations from one file.",
    epilog=EXIT_CODES_HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)



def version_callback(value: bool) -> None:
    if value:
        out.print(f"zonecut {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: Annotated[bool, typer.Option(
        "--debug", help="Show the traceback of an error (also ZONECUT_DEBUG=1).")] = False,
    show_version: Annotated[bool, typer.Option(
        "--version", help="Print zonecut's version and exit.", is_eager=True,
        callback=version_callback)] = False,
) -> None:
    """Share one DNS domain across many AWS accounts: plan, apply and verify Route 53
    delegations from one file."""
    set_debug(debug)



def version() -> None:
    """Print zonecut's version."""
    out.print(f"zonecut {__version__}", highlight=False)


# The order here is the order of `zonecut --help`.
app.command()(plan_cmd.plan)
app.command()(apply_cmd.apply)
app.command()(destroy_cmd.destroy)
app.command()(tree_cmd.tree)
app.command()(validate_cmd.validate)
app.command()(validate_cmd.schema)
app.command()(version)
app.command()(verify_cmd.verify)
app.command()(audit_cmd.audit)
app.command()(graph_cmd.graph)
app.command()(demo.demo)
app.command()(explain_cmd.explain)
app.command("iam")(iam_cmd.iam)
app.command()(report_cmd.report)
app.command("rotate-ksk")(rotate_cmd.rotate_ksk)
app.add_typer(lambda_cmd.lambda_app, name="lambda")
app.add_typer(sandbox_cmds.sandbox_app, name="sandbox")


def main() -> None:
    app()


__all__ = ["app", "main"]
