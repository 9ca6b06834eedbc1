"""Issue 10, item 5: `apply --prune` deletes only zones zonecut owns (the zonecut:managed
tag it sets at creation or on adopting a zone the file declares, or its CallerReference
scheme); a zone made by another tool that the file never declared, delegated by hand
from a declared parent, is reported, never deleted."""

from __future__ import annotations

import hashlib
from typing import Any

from core_support import ACCOUNTS, FIVE_ZONES, config, runtime
from crash import dangling

from sandbox_fixtures import session_for
from zonecut.aws.zone_references import ZoneReferences
from zonecut.plan.ownership import MANAGED_TAG, created_by_zonecut, legacy_reference
from zonecut.sandbox import Sandbox
from zonecut.sandbox.zone_data import all_zones
from zonecut.state import HostedZone

DEV = ACCOUNTS["dev"]
NETWORK = ACCOUNTS["network"]


def r53(sandbox: Sandbox, account: str) -> Any:
    return session_for(sandbox, account).client("route53")


def zone_id(sandbox: Sandbox, account: str, name: str) -> str:
    return str(next(z["Id"] for z in r53(sandbox, account).list_hosted_zones()["HostedZones"]
                    if z["Name"] == name + ".").split("/")[-1])


def foreign_zone(sandbox: Sandbox, name: str, reference: str,
                 tags: list[dict[str, str]] | None = None) -> str:
    """A zone made in the dev account by another tool, delegated by hand from
    example.com with its own servers."""
    client = r53(sandbox, DEV)
    made = client.create_hosted_zone(Name=name, CallerReference=reference)
    new_id = made["HostedZone"]["Id"].split("/")[-1]
    if tags:
        client.change_tags_for_resource(ResourceType="hostedzone", ResourceId=new_id,
                                        AddTags=tags)
    servers = made["DelegationSet"]["NameServers"]
    r53(sandbox, NETWORK).change_resource_record_sets(
        HostedZoneId=zone_id(sandbox, NETWORK, "example.com"), ChangeBatch={"Changes": [
            {"Action": "CREATE", "ResourceRecordSet": {
                "Name": name, "Type": "NS", "TTL": 300,
                "ResourceRecords": [{"Value": s} for s in servers]}}]})
    return str(new_id)


def names() -> list[str]:
    return sorted(z.name for z in all_zones())


def build(sandbox: Sandbox) -> None:
    rt = runtime(sandbox)
    rt.apply(rt.plan())


def test_zones_zonecut_creates_carry_its_tag(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    tags = r53(fresh_sandbox, DEV).list_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id(fresh_sandbox, DEV, "dev.example.com"))
    assert {t["Key"]: t["Value"] for t in tags["ResourceTagSet"]["Tags"]} == dict([MANAGED_TAG])


def test_prune_leaves_a_zone_made_by_another_tool_alone(fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    foreign = foreign_zone(fresh_sandbox, "legacy.example.com", "terraform-123")
    rt = runtime(fresh_sandbox)
    plan = rt.plan_with_prune()
    assert "legacy.example.com" not in {d.name for d in plan.deletions}
    assert any(n.startswith("legacy.example.com: zone " + foreign) and "terraform-123" in n
               and "left alone" in n for n in plan.notes), plan.notes
    rt.apply(plan)
    rt.teardown().run(plan.deletions)
    assert "legacy.example.com" in names()
    example = next(z for z in all_zones() if z.name == "example.com")
    assert any(r.name == "legacy.example.com" and r.type == "NS" for r in example.records)
    assert dangling() == []


def test_prune_deletes_the_zones_zonecut_made(fresh_sandbox: Sandbox) -> None:
    """Made by zonecut: with its old CallerReference scheme (every zone built here) or
    only with its tag (a reference of any other form, as a unique one per request)."""
    build(fresh_sandbox)
    foreign_zone(fresh_sandbox, "tagged.example.com", "zonecut-unique-7f3a",
                 [{"Key": MANAGED_TAG[0], "Value": MANAGED_TAG[1]}])
    smaller = config("\n".join(line for line in FIVE_ZONES.splitlines()
                               if "api.example.com" not in line) + "\n")
    rt = runtime(fresh_sandbox, smaller)
    plan = rt.plan_with_prune()
    assert sorted(d.name for d in plan.deletions) == ["api.example.com", "tagged.example.com"]
    rt.apply(plan)
    rt.teardown().run(plan.deletions)
    assert "api.example.com" not in names() and "tagged.example.com" not in names()
    assert dangling() == []


def _earlier_scheme(account_id: str, name: str, attempt: int) -> str:
    """The references zonecut made before ZoneReferences (zones made then are still ours)."""
    digest = hashlib.sha256(f"{account_id}|{name}".encode()).hexdigest()[:16]
    return f"zonecut-{name[:80]}-{digest}-{attempt}"


def test_the_reference_check_matches_the_executor() -> None:
    now = ZoneReferences(DEV, "dev.example.com").sequence()
    made_refs = [*now[:3], now[-1]] + [_earlier_scheme(DEV, "dev.example.com", n)
                                        for n in (0, 3, 15)]
    for reference in made_refs:
        made = HostedZone("Z1", "dev.example.com", DEV, caller_reference=reference)
        assert legacy_reference(made) and created_by_zonecut(made, None)
    for reference in (now[0], _earlier_scheme(DEV, "dev.example.com", 0)):
        other = HostedZone("Z1", "dev.example.com", NETWORK, caller_reference=reference)
        assert not legacy_reference(other)  # another account's reference is not a mark
    for reference in ("terraform-123", "zonecut-dev.example.com-0", ""):
        zone = HostedZone("Z1", "dev.example.com", DEV, caller_reference=reference)
        assert not created_by_zonecut(zone, {"Owner": "x"})
        assert created_by_zonecut(zone, dict([MANAGED_TAG]))
        assert not created_by_zonecut(zone, {MANAGED_TAG[0]: "false"})


def test_the_most_tags_the_config_allows_fit_with_zonecuts_own(fresh_sandbox: Sandbox) -> None:
    """9 declared tags and zonecut:managed in one call: what Route 53 (and the sandbox,
    which refuses an 11th) takes."""
    from zonecut.plan.ownership import MAX_DECLARED_TAGS, MAX_ZONE_TAGS

    tags = ", ".join(f"k{i}: v" for i in range(MAX_DECLARED_TAGS))
    text = FIVE_ZONES.replace("{name: dev.example.com, account: dev}",
                              f"{{name: dev.example.com, account: dev, tags: {{{tags}}}}}")
    rt = runtime(fresh_sandbox, config(text))
    rt.apply(rt.plan())
    found = r53(fresh_sandbox, DEV).list_tags_for_resource(
        ResourceType="hostedzone", ResourceId=zone_id(fresh_sandbox, DEV, "dev.example.com"))
    assert len(found["ResourceTagSet"]["Tags"]) == MAX_ZONE_TAGS


def test_a_zone_the_file_adopted_is_tagged_and_pruned_once_dropped(
        fresh_sandbox: Sandbox) -> None:
    """A zone another tool made, declared in the file: apply tags it zonecut:managed (the
    plan shows it), so once the file drops it prune removes it, with its delegation. A
    foreign zone the file never declared is never tagged and never touched."""
    build(fresh_sandbox)
    adopted = foreign_zone(fresh_sandbox, "legacy.example.com", "terraform-123",
                           [{"Key": "Owner", "Value": "infra"}])
    stranger = foreign_zone(fresh_sandbox, "other.example.com", "terraform-456")
    declared = config(FIVE_ZONES + "  - {name: legacy.example.com, account: dev}\n")
    rt = runtime(fresh_sandbox, declared)
    plan = rt.plan()
    change = next(z for z in plan.zones if z.name == "legacy.example.com")
    assert change.tag_changes == ((MANAGED_TAG[0], MANAGED_TAG[1], None),)
    assert all(not z.tag_changes for z in plan.zones if z.name != "legacy.example.com")
    rt.apply(plan)
    client = r53(fresh_sandbox, DEV)

    def tags(zone: str) -> dict[str, str]:
        found = client.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone)
        return {t["Key"]: t["Value"] for t in found["ResourceTagSet"]["Tags"]}

    assert tags(adopted) == {"Owner": "infra", MANAGED_TAG[0]: MANAGED_TAG[1]}
    assert tags(stranger) == {}
    assert not runtime(fresh_sandbox, declared).plan().has_changes  # tagged once
    plan = runtime(fresh_sandbox).plan_with_prune()
    assert [d.name for d in plan.deletions] == ["legacy.example.com"]
    assert any(n.startswith(f"other.example.com: zone {stranger}") and "left alone" in n
               for n in plan.notes), plan.notes
    rt = runtime(fresh_sandbox)
    rt.apply(plan)
    rt.teardown().run(plan.deletions)
    assert "legacy.example.com" not in names() and "other.example.com" in names()
    assert tags(stranger) == {}
    example = next(z for z in all_zones() if z.name == "example.com")
    assert any(r.name == "other.example.com" and r.type == "NS" for r in example.records)
    assert dangling() == []


def test_an_adopted_zone_with_no_room_for_the_tag_is_reported(
        fresh_sandbox: Sandbox) -> None:
    build(fresh_sandbox)
    full = [{"Key": f"k{i}", "Value": "v"} for i in range(10)]
    foreign_zone(fresh_sandbox, "legacy.example.com", "terraform-123", full)
    declared = config(FIVE_ZONES + "  - {name: legacy.example.com, account: dev}\n")
    plan = runtime(fresh_sandbox, declared).plan()
    assert not plan.problems
    assert all(not z.tag_changes for z in plan.zones)
    assert any(n.startswith("legacy.example.com: zone ") and "cannot tag it" in n
               for n in plan.notes), plan.notes
