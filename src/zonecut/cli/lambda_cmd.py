"""`zonecut lambda package|template`: deploy the self-service handlers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from zonecut.cli.options import err, guarded, out
from zonecut.errors import ZonecutError

lambda_app = typer.Typer(help="Deploy the self-service Lambda handlers (custom resource "
                         "and EventBridge).", no_args_is_help=True)


class TemplateInputError(ZonecutError):
    """Options that cannot describe a deployment."""


@lambda_app.command("template")
def template(
    parent_zone_id: Annotated[str | None, typer.Option(
        "--parent-zone-id", help="The parent hosted zone (parent template); without it, "
        "each name's parent is the one public zone of the account that encloses it most "
        "closely (looked up with ListHostedZonesByName).")] = None,
    allow: Annotated[str | None, typer.Option(
        "--allow", help="The allow-list: a JSON object mapping each consumer account id to "
        "the names it may delegate (\"222222222222\": [\"dev.example.com\", "
        "\"*.dev.example.com\"]), or @FILE (parent template).")] = None,
    consumer: Annotated[str | None, typer.Option(
        "--consumer", metavar="PARENT_ACCOUNT_ID", help="Write the template for a consumer "
        "account instead, whose parent zone is in PARENT_ACCOUNT_ID.")] = None,
    registry: Annotated[str | None, typer.Option(
        "--registry", metavar="PARENT_ACCOUNT_ID", help="Write the template for the registry "
        "account of --ssm-role-arn instead: that role, trusting zonecut-lambda of "
        "PARENT_ACCOUNT_ID, allowed the parameters under --ssm-prefix only.")] = None,
    events: Annotated[bool, typer.Option(
        "--events/--no-events", help="Include the EventBridge path.")] = True,
    ssm_prefix: Annotated[str, typer.Option(
        "--ssm-prefix", help="Where delegated zones are published ('' for none).")
    ] = "/zonecut/zones",
    ssm_role_arn: Annotated[str | None, typer.Option(
        "--ssm-role-arn", help="Publish the documents in the registry account of this role "
        "(`--registry` writes its template).")] = None,
    parent_parameter: Annotated[str | None, typer.Option(
        "--parent-parameter", help="The parent zone's own document, checked before every "
        "delegation (in the registry with --ssm-role-arn).")] = None,
) -> None:
    """Print CloudFormation (JSON) for the parent's account or a consumer account."""
    from zonecut.aws_lambda.policy import AllowList
    from zonecut.aws_lambda.settings import Settings
    from zonecut.config.accounts import ROLE_ARN_RE
    from zonecut.iam.lambda_template import (
        LambdaDeployment,
        consumer_template,
        parent_template,
        registry_template,
    )

    def make() -> dict[str, object]:
        if consumer is not None and registry is not None:
            raise TemplateInputError("--consumer and --registry: one account's template at "
                                     "a time")
        if consumer is not None:
            if not (consumer.isdigit() and len(consumer) == 12):
                raise TemplateInputError(f"--consumer {consumer!r}: not a 12-digit account id")
            return consumer_template(consumer, events)
        if registry is not None:
            return registry_side(registry)
        if not allow:
            raise TemplateInputError("the parent template needs --allow (or --consumer "
                                     "PARENT_ACCOUNT_ID)")
        text = allow
        where = "--allow"
        if allow.startswith("@"):
            where = allow[1:]
            try:
                text = Path(where).read_text()
            except OSError as exc:
                raise TemplateInputError(f"{where}: {exc.strerror}") from None
        policy = AllowList.from_json(text, where)
        env = {  # the same checks the function makes at start
            "ZONECUT_PARENT_ZONE_ID": parent_zone_id or "", "ZONECUT_PARENT_ACCOUNT_ID": "0" * 12,
            "ZONECUT_ALLOW": text, "ZONECUT_SSM_PREFIX": ssm_prefix,
            "ZONECUT_PARENT_PARAMETER": parent_parameter or ""}
        if ssm_role_arn:
            if ROLE_ARN_RE.match(ssm_role_arn) is None:
                raise TemplateInputError(f"--ssm-role-arn {ssm_role_arn!r}: not an IAM role "
                                         "ARN (arn:aws:iam::123456789012:role/Name)")
            env.update(ZONECUT_SSM_ROLE_ARN=ssm_role_arn,
                       ZONECUT_SSM_ACCOUNT_ID=ssm_role_arn.split(":")[4])
        settings = Settings.from_env(env)
        return parent_template(LambdaDeployment(
            settings.parent_zone_id, {a: list(p) for a, p in policy.rules.items()},
            events=events, ssm_prefix=settings.ssm_prefix, owner_prefix=settings.owner_prefix,
            ns_ttl=settings.ns_ttl, ssm_role_arn=settings.ssm_role_arn,
            parent_parameter=settings.parent_parameter))

    def registry_side(parent_account: str) -> dict[str, object]:
        if not (parent_account.isdigit() and len(parent_account) == 12):
            raise TemplateInputError(f"--registry {parent_account!r}: not a 12-digit account "
                                     "id")
        matched = ROLE_ARN_RE.match(ssm_role_arn or "")
        if matched is None:
            raise TemplateInputError("--registry needs --ssm-role-arn, the registry "
                                     "account's role (arn:aws:iam::123456789012:role/Name)")
        settings = Settings.from_env({  # the checks the function makes at start
            "ZONECUT_PARENT_ACCOUNT_ID": parent_account, "ZONECUT_ALLOW": "{}",
            "ZONECUT_SSM_PREFIX": ssm_prefix, "ZONECUT_SSM_ROLE_ARN": ssm_role_arn or "",
            "ZONECUT_SSM_ACCOUNT_ID": matched["account"],
            "ZONECUT_PARENT_PARAMETER": parent_parameter or ""})
        if not settings.ssm_prefix:
            raise TemplateInputError("--registry with --ssm-prefix '': nothing is published")
        path = matched["path"]
        return registry_template(parent_account, f"/{path}" if path else "/",
                                 matched["name"], settings.ssm_prefix,
                                 settings.parent_parameter)

    out.print_json(json.dumps(guarded(make)))


@lambda_app.command("package")
def package(
    output: Annotated[Path, typer.Option("--output", "-o", help="The zip to write.")
                      ] = Path("zonecut-lambda.zip"),
    find_links: Annotated[Path | None, typer.Option(
        "--find-links", help="Take wheels from this directory only (no index).")] = None,
    constraint: Annotated[Path | None, typer.Option(
        "--constraint", help="pip constraints file (exact versions).")] = None,
) -> None:
    """Build the deployment zip: zonecut and its dependencies as wheels for the Lambda
    runtime (CPython 3.11, manylinux2014 x86_64), whatever this machine is."""
    from zonecut.aws_lambda.package import PLATFORM, build

    made = guarded(lambda: build(output, find_links=find_links, constraint=constraint))
    err.print(f"wrote {made.path}: {made.files} files, {made.unzipped_bytes} bytes unzipped, "
              f"{made.zipped_bytes} zipped ({PLATFORM}, Python 3.11)", markup=False,
              highlight=False)
