"""Every ChangeResourceRecordSets batch zonecut sends for the example configs is allowed,
whole, by the generated policy of the account that sends it (IAM allows a batch only
when one statement allows every change in it).

The examples are applied to the sandbox with the CLI (apply, then again after changes by
hand: values edited, undeclared records added, an apex NS edited; then destroy), and the
batches are read off botocore as they are sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import botocore.client
import pytest
from iam_cases import CONFIGS, load
from iam_evaluator import batch_request, decide, statements_of
from typer.testing import CliRunner

from sandbox_fixtures import session_for
from zonecut.cli.main import app
from zonecut.iam import account_permissions
from zonecut.names import iam_normalized, normalize
from zonecut.sandbox import Sandbox

runner = CliRunner()
Batch = tuple[str, list[tuple[str, str, str]]]  # zone id, (action, type, IAM name)


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Batch]]:
    """The batches zonecut sends (the call goes through unchanged)."""
    found: list[Batch] = []
    original = botocore.client.BaseClient._make_api_call

    def spy(client: Any, operation: str, params: dict[str, Any]) -> Any:
        if operation == "ChangeResourceRecordSets":
            found.append((str(params["HostedZoneId"]).split("/")[-1], [
                (c["Action"], c["ResourceRecordSet"]["Type"],
                 iam_normalized(normalize(c["ResourceRecordSet"]["Name"])))
                for c in params["ChangeBatch"]["Changes"]]))
        return original(client, operation, params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", spy)
    yield found


@pytest.fixture
def env(fresh_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fresh_sandbox.endpoint_url)
    import moto.settings

    monkeypatch.setenv("MOTO_ACM_VALIDATION_WAIT", "3600")
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", 3600)
    return fresh_sandbox


def owners(sandbox: Sandbox, accounts: list[str]) -> dict[str, str]:
    """Zone id -> the account holding it."""
    found = {}
    for account in accounts:
        client = session_for(sandbox, account).client("route53")
        for zone in client.list_hosted_zones()["HostedZones"]:
            found[str(zone["Id"]).split("/")[-1]] = account
    return found


def refused(label: str, batches: list[Batch], where: dict[str, str], *,
            teardown: bool) -> list[Batch]:
    cfg, tree = load(label)
    policies = {p.account_id: statements_of(d.document for d in p.roles[0].parts)
                for p in account_permissions(cfg, tree, teardown=teardown)}
    return [(zone, changes) for zone, changes in batches
            if not decide(policies[where[zone]], batch_request(
                f"arn:aws:route53:::hostedzone/{zone}", changes))]


def run(*args: str) -> None:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output


def edit_by_hand(sandbox: Sandbox, sent: list[Batch], account: str, zone: str,
                 changes: list[dict[str, Any]]) -> None:
    """A change made outside zonecut (not one of its batches)."""
    client = session_for(sandbox, account).client("route53")
    zone_id = next(str(z["Id"]) for z in client.list_hosted_zones()["HostedZones"]
                   if normalize(z["Name"]) == zone)
    client.change_resource_record_sets(HostedZoneId=zone_id,
                                       ChangeBatch={"Changes": changes})
    sent.pop()


def rr(action: str, name: str, rtype: str, *values: str, ttl: int = 300) -> dict[str, Any]:
    return {"Action": action, "ResourceRecordSet": {
        "Name": name, "Type": rtype, "TTL": ttl,
        "ResourceRecords": [{"Value": v} for v in values]}}


@pytest.mark.parametrize("label", ["child-accounts.yaml", "org.yaml"])
def test_every_batch_apply_and_destroy_send_is_allowed(
        label: str, env: Sandbox, sent: list[Batch], tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(CONFIGS[label])
    cfg, tree = load(label)
    accounts = [a.id for a in cfg.accounts.values()]
    run("apply", "-c", str(path), "--yes", "--no-wait")
    first = len(sent)
    if label == "child-accounts.yaml":
        dev, network = cfg.accounts["dev"].id, cfg.accounts["network"].id
        edit_by_hand(env, sent, dev, "dev.example.com", [
            rr("UPSERT", "www.dev.example.com", "CNAME", "elsewhere.example.net"),
            rr("CREATE", "old.dev.example.com", "A", "192.0.2.9"),
            rr("CREATE", "_dmarc.dev.example.com", "TXT", '"v=DMARC1; p=none"'),
            rr("CREATE", "cdn.dev.example.com", "TXT", '"clashes with the declared A"')])
        edit_by_hand(env, sent, network, "example.com", [
            rr("UPSERT", "mail.example.com", "A", "192.0.2.99")])
    else:
        edit_by_hand(env, sent, cfg.accounts["dev"].id, "dev.example.com", [
            rr("UPSERT", "dev.example.com", "NS", "ns.hijack.example.net", ttl=172800)])
    run("apply", "-c", str(path), "--yes", "--no-wait")
    assert len(sent) > first  # the hand edits were put back
    where = owners(env, accounts)
    assert refused(label, sent, where, teardown=False) == []
    applied = len(sent)
    # a batch mixing two groups would be refused: the check can fail
    zone, changes = next((z, c) for z, c in sent if c[0][0] == "CREATE")
    mixed = (zone, [*changes, ("CREATE", "SOA", changes[0][2])])
    assert refused(label, [mixed], where, teardown=False) == [mixed]

    below_roots = [z.name for z in tree.zones if z.parent and tree.get(z.parent).root]  # type: ignore[union-attr]
    run("destroy", *below_roots, "-c", str(path), "--yes", "--allow-delete")
    teardown = sent[applied:]
    assert any(a == "DELETE" and t == "NS" for _, c in teardown for a, t, _ in c)
    assert refused(label, teardown, where, teardown=True) == []
    # without --teardown the same batches are refused
    assert refused(label, teardown, where, teardown=False) == teardown
