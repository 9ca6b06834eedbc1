"""plan_registrar (pure): name servers first, DS last and only for a signing root, every DS
out first for a root to unsign, and no name-server change under a DS that names no key."""

from __future__ import annotations

from zonecut.config import load_config_text
from zonecut.config.tree import DesiredZone, build_tree
from zonecut.plan.registrar import FIRST, LAST, DomainKey, RegistrarDomain, plan_registrar
from zonecut.plan.signing import KeySigningKey, ZoneSigning

SERVERS = ("ns-1.awsdns-01.com", "ns-2.awsdns-02.net")
KEY = DomainKey("k1", 12345, 13, 2, "AB" * 32)
SIGNING = ZoneSigning("SIGNING", (KeySigningKey("zonecut_1", "ACTIVE", "arn", KEY.ds),))


def root(dnssec: str = "") -> DesiredZone:
    text = ("version: 1\naccounts:\n  network: {id: \"111111111111\"}\nzones:\n"
            "  - {name: example.com, account: network, root: true, registrar: route53"
            + (f", dnssec: {dnssec}" if dnssec else "") + "}\n")
    return build_tree(load_config_text(text, "zonecut.yaml")).zones[0]


def plan(zone: DesiredZone, domain: RegistrarDomain | None, signing: ZoneSigning | None,
         servers: tuple[str, ...] = SERVERS) -> tuple[list[tuple[str, str]], tuple[str, ...]]:
    changes, problems = plan_registrar([zone], {zone.name: "Z1"}, {zone.name: servers},
                                       {zone.name: domain}, {zone.name: signing})
    return [(c.action, c.phase) for c in changes], problems


def test_in_step_nothing_to_do() -> None:
    assert plan(root("true"), RegistrarDomain("example.com", SERVERS, (KEY,)), SIGNING) == (
        [], ())


def test_name_servers_first_ds_last() -> None:
    domain = RegistrarDomain("example.com", ("ns1.elsewhere.net",))
    assert plan(root("true"), domain, ZoneSigning()) == (
        [("name-servers", FIRST), ("add-ds", LAST)], ())


def test_without_dnssec_only_the_name_servers() -> None:
    domain = RegistrarDomain("example.com", ("ns1.elsewhere.net",), (KEY,))
    changes, problems = plan(root(), RegistrarDomain("example.com", ("x.net",)), None)
    assert changes == [("name-servers", FIRST)] and problems == ()
    # a DS that names no key of the zone: changing the name servers would break it
    changes, problems = plan(root(), domain, None)
    assert changes == [] and "names no active key" in problems[0]


def test_unsign_takes_every_ds_out_first() -> None:
    domain = RegistrarDomain("example.com", SERVERS, (KEY,))
    assert plan(root("false"), domain, SIGNING) == ([("remove-ds", FIRST)], ())


def test_a_stale_key_goes_after_the_new_one() -> None:
    old = DomainKey("k0", 1, 13, 2, "CD" * 32)
    domain = RegistrarDomain("example.com", SERVERS, (old,))
    assert plan(root("true"), domain, SIGNING) == ([("add-ds", LAST), ("remove-ds", LAST)], ())


def test_a_ds_for_a_root_that_does_not_sign_goes_first() -> None:
    domain = RegistrarDomain("example.com", SERVERS, (KEY,))
    assert plan(root("true"), domain, ZoneSigning()) == (
        [("add-ds", LAST), ("remove-ds", FIRST)], ())


def test_a_domain_not_in_route53_domains_is_a_problem() -> None:
    changes, problems = plan(root("true"), None, None)
    assert changes == [] and "not registered with Route 53 Domains" in problems[0]
