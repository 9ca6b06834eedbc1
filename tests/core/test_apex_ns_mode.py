"""`apex_ns: report` leaves a deliberately different apex NS alone; repair (the default)
sets it back. Against the sandbox, through plan and apply."""

from __future__ import annotations

import pytest
from core_support import ACCOUNTS, FIVE_ZONES, config, runtime

from sandbox_fixtures import session_for
from zonecut.config.loader import load_config_text
from zonecut.errors import ZonecutError
from zonecut.names import normalize
from zonecut.sandbox import Sandbox

pytestmark = pytest.mark.sandbox
PROD = ACCOUNTS["prod"]


def _apex(sandbox: Sandbox) -> tuple[str, set[str], set[str]]:
    r53 = session_for(sandbox, PROD).client("route53")
    zone_id = next(z["Id"] for z in r53.list_hosted_zones()["HostedZones"]
                   if normalize(z["Name"]) == "prod.example.com")
    servers = {normalize(s) for s in
               r53.get_hosted_zone(Id=zone_id)["DelegationSet"]["NameServers"]}
    page = r53.list_resource_record_sets(HostedZoneId=zone_id, StartRecordName="prod.example.com",
                                         StartRecordType="NS", MaxItems="1")
    live = {normalize(r["Value"]) for r in page["ResourceRecordSets"][0]["ResourceRecords"]}
    return zone_id, servers, live


def _edit_apex(sandbox: Sandbox) -> set[str]:
    zone_id, servers, _ = _apex(sandbox)
    both = [*sorted(servers), "ns1.other-provider.example.net"]
    session_for(sandbox, PROD).client("route53").change_resource_record_sets(
        HostedZoneId=zone_id, ChangeBatch={"Changes": [{
            "Action": "UPSERT", "ResourceRecordSet": {
                "Name": "prod.example.com.", "Type": "NS", "TTL": 172800,
                "ResourceRecords": [{"Value": v} for v in both]}}]})
    return set(both)


REPORT_ZONE = FIVE_ZONES.replace("  - {name: prod.example.com, account: prod}",
                                 "  - {name: prod.example.com, account: prod, apex_ns: report}")
REPORT_DEFAULT = FIVE_ZONES.replace("  rate_limit: 200\n", "  rate_limit: 200\n  apex_ns: report\n")


@pytest.mark.parametrize("text", [REPORT_ZONE, REPORT_DEFAULT])
def test_report_leaves_a_multi_provider_apex_alone(fresh_sandbox: Sandbox, text: str) -> None:
    cfg = config(text)
    runtime(fresh_sandbox, cfg).apply(runtime(fresh_sandbox, cfg).plan())
    both = _edit_apex(fresh_sandbox)
    plan = runtime(fresh_sandbox, cfg).plan()
    assert plan.apex_repairs == ()
    assert not plan.has_changes
    assert [n for n in plan.notes if "apex_ns: report" in n] == [
        n for n in plan.notes if n.startswith("prod.example.com: the apex NS (")]
    assert len(plan.notes) == 1
    runtime(fresh_sandbox, cfg).apply(plan)
    assert _apex(fresh_sandbox)[2] == both


def test_repair_is_the_default_and_can_be_set_per_zone(fresh_sandbox: Sandbox) -> None:
    text = REPORT_DEFAULT.replace("  - {name: prod.example.com, account: prod}",
                                  "  - {name: prod.example.com, account: prod, apex_ns: repair}")
    for cfg in (config(), config(text)):
        fresh_sandbox.reset()
        runtime(fresh_sandbox, cfg).apply(runtime(fresh_sandbox, cfg).plan())
        _edit_apex(fresh_sandbox)
        plan = runtime(fresh_sandbox, cfg).plan()
        assert [r.name for r in plan.apex_repairs] == ["prod.example.com"]
        runtime(fresh_sandbox, cfg).apply(plan)
        _, servers, live = _apex(fresh_sandbox)
        assert live == servers


def test_an_unknown_mode_is_a_config_error_with_its_line() -> None:
    text = FIVE_ZONES.replace("  - {name: prod.example.com, account: prod}",
                              "  - {name: prod.example.com, account: prod, apex_ns: fix}")
    with pytest.raises(ZonecutError) as caught:
        load_config_text(text, "zonecut.yaml")
    assert str(caught.value) == ("zonecut.yaml:16: zones[2].apex_ns: must be one of 'repair' "
                                 "or 'report', got the text 'fix'")
