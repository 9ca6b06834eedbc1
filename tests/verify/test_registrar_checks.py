"""check_registrar (pure): a root zone against what Route 53 Domains holds; each wrong
state gives exactly its finding."""

from __future__ import annotations

import pytest

from zonecut.plan.registrar import DomainKey, RegistrarDomain
from zonecut.plan.signing import KeySigningKey, ZoneSigning
from zonecut.verify.findings import RULES
from zonecut.verify.registrar import check_registrar

SERVERS = ("ns-1.awsdns-01.com", "ns-2.awsdns-02.net")
GOOD = DomainKey("k1", 12345, 13, 2, "AB" * 32)
OLD = DomainKey("k0", 54321, 13, 2, "CD" * 32)
SIGNING = ZoneSigning("SIGNING", (KeySigningKey("zonecut_1", "ACTIVE", "arn", GOOD.ds),))
NOT_SIGNING = ZoneSigning("NOT_SIGNING")


def codes(servers: tuple[str, ...], signing: ZoneSigning | None,
          keys: tuple[DomainKey, ...]) -> list[str]:
    domain = RegistrarDomain("example.com", tuple(sorted(SERVERS)), keys)
    return [f.code for f in check_registrar("example.com", servers, signing, domain)]


@pytest.mark.parametrize(("servers", "signing", "keys", "expected"), [
    (SERVERS, SIGNING, (GOOD,), []),
    (SERVERS, NOT_SIGNING, (), []),
    (SERVERS, None, (OLD,), []),  # signing not read: DS not judged
    (("ns-9.awsdns-09.org", *SERVERS[:1]), SIGNING, (GOOD,), ["REGISTRAR_NS_MISMATCH"]),
    (SERVERS, NOT_SIGNING, (GOOD,), ["REGISTRAR_DS_NO_MATCHING_KSK"]),
    (SERVERS, SIGNING, (OLD,), ["REGISTRAR_DS_NO_MATCHING_KSK"]),
    (SERVERS, SIGNING, (), ["REGISTRAR_DS_MISSING"]),
    (SERVERS, SIGNING, (GOOD, OLD), ["REGISTRAR_DS_STALE"]),
])
def test_each_state_gives_exactly_its_finding(servers: tuple[str, ...],
                                              signing: ZoneSigning | None,
                                              keys: tuple[DomainKey, ...],
                                              expected: list[str]) -> None:
    assert codes(servers, signing, keys) == expected


def test_the_severities_are_the_catalogues() -> None:
    domain = RegistrarDomain("example.com", ("ns-9.awsdns-09.org",), (OLD,))
    found = check_registrar("example.com", SERVERS, SIGNING, domain)
    assert [(f.code, f.severity) for f in found] == [
        ("REGISTRAR_NS_MISMATCH", RULES["REGISTRAR_NS_MISMATCH"].severity),
        ("REGISTRAR_DS_NO_MATCHING_KSK", RULES["REGISTRAR_DS_NO_MATCHING_KSK"].severity)]
    assert "ns-9.awsdns-09.org" in found[0].message
