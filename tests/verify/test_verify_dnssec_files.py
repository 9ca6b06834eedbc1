"""Files a user hands to `verify --dnssec`: trust anchors, and saved DNSSEC observations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from zonecut.verify.dnssec_model import (
    ROOT_TRUST_ANCHORS,
    DnssecObservations,
    Signed,
    ZoneKeys,
    parse_trust_anchors,
)

REAL = "/usr/share/dns/root.ds"


def test_the_debian_root_anchor_file_reads_as_the_built_in_anchors() -> None:
    text = "; IANA root anchors\n" + "\n".join(ROOT_TRUST_ANCHORS) + "\n\n"
    assert parse_trust_anchors(text) == ROOT_TRUST_ANCHORS
    try:
        with open(REAL, encoding="utf-8") as file:
            shipped = file.read()
    except OSError:
        return
    assert set(parse_trust_anchors(shipped)) == set(ROOT_TRUST_ANCHORS)


@pytest.mark.parametrize(("text", "why"), [
    ("", "no DS trust anchor"),
    ("; only a comment\n", "no DS trust anchor"),
    ("example.org. IN DS 1 13 2 AB\n", "line 1: not a root DS"),
    (". IN DNSKEY 257 3 13 AAAA\n", "line 1: not a root DS"),
    (ROOT_TRUST_ANCHORS[0] + "\n. IN DS twelve 8 2 AB\n", "line 2: not a DS value"),
])
def test_bad_anchor_files_name_the_line(text: str, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        parse_trust_anchors(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_anchors_or_a_value_error(text: str) -> None:
    try:
        anchors = parse_trust_anchors(text)
    except ValueError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    assert anchors and all(a.startswith(". IN DS ") for a in anchors)


def test_observations_round_trip_through_json() -> None:
    keys = ZoneKeys("example.com", ".", ds=Signed(300, ("1 13 2 AB",), ("DS ...",)),
                    dnskey=Signed(3600, ("257 3 13 AAAA",)), server="ns-1.awsdns-00.com")
    observed = DnssecObservations({"example.com": keys, ".": ZoneKeys(".", None)})
    again = DnssecObservations.from_json(observed.to_json())
    assert again == observed
    assert [k.zone for k in again.path("example.com")] == [".", "example.com"]
