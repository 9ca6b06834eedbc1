"""The sandbox's speed fixes hold their mechanism (counts and identities, never time).

Each fix cuts work a request repeated (bench/ measures the speed); these tests show the
work is not done again, and that the answers stay those of the slow path.
"""

from __future__ import annotations

from typing import Any

import moto.core.responses as moto_responses
import pytest
from moto.core.utils import method_names_from_class
from moto.route53.models import route53_backends
from moto.route53.responses import Route53
from sandbox_helpers import PARENT, change, create_zone, route53, rrsets

from zonecut.sandbox import Sandbox, fidelity, moto_speed
from zonecut.sandbox.change_batch import data_of, key_of
from zonecut.sandbox.zone_data import plain, zone_name_servers

pytestmark = pytest.mark.sandbox


def _moto_zone(account: str, zone_id: str) -> Any:
    return route53_backends[account]["global"].zones[zone_id.rsplit("/", 1)[-1]]


def test_moto_resolves_a_host_once_not_on_every_request(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "speed.example")
    before = moto_speed.backend_lookups()
    for _ in range(5):
        client.get_hosted_zone(Id=zone_id)
        client.list_hosted_zones_by_name(DNSName="speed.example", MaxItems="1")
    assert moto_speed.installed()
    assert moto_speed.backend_lookups() == before


def test_a_route53_request_matches_its_route_once(fresh_sandbox: Sandbox,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "route.example")
    real = moto_responses.get_service_router
    matched: list[str] = []

    def counting(service: str) -> Any:
        matched.append(service)
        return real(service)

    monkeypatch.setattr(moto_responses, "get_service_router", counting)
    client.get_hosted_zone(Id=zone_id)
    assert matched == ["route53"]  # moto alone asks six times (counted, validation, ...)


def test_method_names_are_moto_s_asked_one_at_a_time() -> None:
    names = moto_speed.FunctionNames(Route53)
    listed = method_names_from_class(Route53)
    assert listed and all(name in names for name in listed)
    assert set(names) == set(listed)
    for absent in ("no_such_operation", "dispatch_nothing", "", "__class__"):
        assert (absent in names) == (absent in listed)


def test_method_names_see_a_method_added_after_the_first_ask() -> None:
    class Response:
        def known(self) -> None: ...

    names = moto_speed.FunctionNames(Response)
    assert "later" not in names
    Response.later = lambda self: None  # type: ignore[attr-defined]
    assert "later" in names


def test_a_zone_s_name_servers_are_normalised_once(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, servers = create_zone(client, "servers.example")
    zone = _moto_zone(PARENT, zone_id)
    first = zone_name_servers(zone)
    assert first == tuple(servers)
    assert zone_name_servers(zone) is first  # kept, not made again
    other = ["ns-9.awsdns-01.com.", "ns-600.awsdns-11.net", "NS-1100.awsdns-09.org",
             "ns-1600.awsdns-08.co.uk"]
    fidelity.set_name_servers(zone, other)
    assert zone_name_servers(zone) == ("ns-9.awsdns-01.com", "ns-600.awsdns-11.net",
                                       "ns-1100.awsdns-09.org", "ns-1600.awsdns-08.co.uk")


def _fresh_index(zone: Any) -> dict[Any, Any]:
    return {key_of(plain(r)): data_of(plain(r)) for r in zone.rrsets}


def test_a_change_reads_the_index_the_last_change_left(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "index.example")
    change(client, zone_id, *[("CREATE", f"h{i}.index.example", "A", 60, [f"192.0.2.{i}"])
                              for i in range(1, 30)])
    zone = _moto_zone(PARENT, zone_id)
    index = fidelity.rrset_index(zone)
    assert index is not None
    assert fidelity.rrset_index(zone) is not None
    assert fidelity.rrset_index(zone)[0] is index[0]  # type: ignore[index]
    assert index[0] == _fresh_index(zone)
    assert list(index[1].values()) == zone.rrsets


def test_the_index_follows_moto_replacing_a_record_set_in_place(fresh_sandbox: Sandbox
                                                                 ) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "inplace.example")
    change(client, zone_id, ("CREATE", "a.inplace.example", "A", 60, ["192.0.2.1"]))
    zone = _moto_zone(PARENT, zone_id)
    before = fidelity.rrset_index(zone)
    assert before is not None
    # moto's own upsert swaps the RecordSet object inside the same list
    zone.upsert_rrset({"Name": "a.inplace.example.", "Type": "A", "TTL": 120,
                       "ResourceRecords": ["192.0.2.9"]})
    after = fidelity.rrset_index(zone)
    assert after is not None and after[0] is not before[0]
    assert after[0] == _fresh_index(zone)
    with pytest.raises(Exception, match="InvalidChangeBatch"):  # the old value is gone
        change(client, zone_id, ("DELETE", "a.inplace.example", "A", 60, ["192.0.2.1"]))
    change(client, zone_id, ("DELETE", "a.inplace.example", "A", 120, ["192.0.2.9"]))
    assert ("a.inplace.example.", "A") not in rrsets(client, zone_id)


def test_a_changed_set_goes_last_as_moto_lists_it(fresh_sandbox: Sandbox) -> None:
    client = route53(fresh_sandbox, PARENT)
    zone_id, _ = create_zone(client, "order.example")
    change(client, zone_id, ("CREATE", "a.order.example", "A", 60, ["192.0.2.1"]),
           ("CREATE", "b.order.example", "A", 60, ["192.0.2.2"]))
    change(client, zone_id, ("UPSERT", "a.order.example", "A", 30, ["192.0.2.3"]))
    zone = _moto_zone(PARENT, zone_id)
    names = [(str(r.name), r.type) for r in zone.rrsets]
    assert names[-2:] == [("b.order.example.", "A"), ("a.order.example.", "A")]
    assert fidelity.rrset_index(zone) is not None
