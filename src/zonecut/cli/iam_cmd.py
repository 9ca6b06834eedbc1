"""`zonecut iam`: the least-privilege roles zonecut needs, as JSON policies or CloudFormation."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from zonecut.cli.options import DEFAULT_CONFIG, ConfigOpt, err, guarded, out, read_config


class IamFormat(StrEnum):
    json = "json"
    cloudformation = "cloudformation"
    triples = "triples"


def iam(
    config: ConfigOpt = DEFAULT_CONFIG,
    output_format: Annotated[IamFormat, typer.Option(
        "--output", "-o", help="json: the policy documents per account; cloudformation: a "
        "template per account; triples: Markdown tables of the (actions, types, names) each "
        "role may change.")] = IamFormat.json,
    old_format: Annotated[IamFormat | None, typer.Option(
        "--format", "-f", hidden=True, help="Deprecated: --output.")] = None,
    account: Annotated[str | None, typer.Option(
        "--account", help="Only this account (key or id); prints its document alone.")] = None,
    teardown: Annotated[bool, typer.Option(
        "--teardown", help="Also what `destroy` and `apply --prune` need: delete "
        "delegations, empty and delete zones.")] = False,
) -> None:
    """Print the IAM roles zonecut needs in each account: trust and permissions, least
    privilege: every allowed (action, type, name) is one the config or zonecut needs.
    Teardown (destroy, prune) only with --teardown."""
    from zonecut.iam import account_permissions, template

    if old_format is not None:
        err.print("note: --format is deprecated; use --output (-o)")
        output_format = old_format
    cfg = read_config(config)
    found = guarded(lambda: account_permissions(cfg, only=account, teardown=teardown))
    for perms in found:
        for note in perms.notes:
            err.print(f"note: {note}", highlight=False, markup=False)
    if output_format is IamFormat.triples:
        from zonecut.iam.describe import triples_markdown

        out.print(triples_markdown(found), markup=False, highlight=False, end="",
                  soft_wrap=True)
        return
    documents: dict[str, Any] = {}
    for perms in found:
        documents[perms.key] = (template(perms) if output_format is IamFormat.cloudformation
                                else perms.data())
    if account is not None:
        out.print_json(json.dumps(documents[found[0].key]))
    else:
        out.print_json(json.dumps(documents))
