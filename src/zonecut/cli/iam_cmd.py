"""`zonecut iam`: the least-privilege roles zonecut needs, as JSON policies or CloudFormation."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from zonecut.cli.app import DEFAULT_CONFIG, ConfigOpt, app, err, guarded, out, read_config


class IamFormat(StrEnum):
    json = "json"
    cloudformation = "cloudformation"


@app.command("iam")
def iam(
    config: ConfigOpt = DEFAULT_CONFIG,
    output_format: Annotated[IamFormat, typer.Option(
        "--output", "-o", help="json: the policy documents per account; cloudformation: a "
        "template per account.")] = IamFormat.json,
    old_format: Annotated[IamFormat | None, typer.Option(
        "--format", "-f", hidden=True, help="Deprecated: --output.")] = None,
    account: Annotated[str | None, typer.Option(
        "--account", help="Only this account (key or id); prints its document alone.")] = None,
) -> None:
    """Print the IAM roles zonecut needs in each account: trust and permissions, least
    privilege (NS only for delegated names, records and certificates by name)."""
    from zonecut.iam import account_permissions, template

    if old_format is not None:
        err.print("note: --format is deprecated; use --output (-o)")
        output_format = old_format
    cfg = read_config(config)
    found = guarded(lambda: account_permissions(cfg, only=account))
    for perms in found:
        for note in perms.notes:
            err.print(f"note: {note}", highlight=False, markup=False)
    documents: dict[str, Any] = {}
    for perms in found:
        documents[perms.key] = (template(perms) if output_format is IamFormat.cloudformation
                                else perms.data())
    if account is not None:
        out.print_json(json.dumps(documents[found[0].key]))
    else:
        out.print_json(json.dumps(documents))
