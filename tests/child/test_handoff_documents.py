"""Whatever a parameter holds, reading it as a zone document gives a document or one line
that names the parameter: never a traceback, never a value that would reach Route 53
unchecked (zonecut.apply.handoff_read, shared by the CLI and the Lambda handlers)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from zonecut.apply.handoff_read import FORMAT, HandoffError, ZoneDocument

WHERE = "parameter /zonecut/zones/dev.example.com in account network (111111111111)"
GOOD: dict[str, Any] = {
    "format": FORMAT, "name": "dev.example.com", "zone_id": "Z0987654321DEF",
    "account_id": "222222222222",
    "name_servers": ["ns-1.awsdns-01.com", "ns-2.awsdns-02.net", "ns-3.awsdns-03.org",
                     "ns-4.awsdns-04.co.uk"],
    "parent": "example.com", "parent_zone_id": "Z0123456789ABC",
    "parent_account_id": "111111111111",
}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12)


def read(text: str) -> ZoneDocument | str:
    """The document, or the message (asserted one line naming the parameter)."""
    try:
        return ZoneDocument.from_json(text, WHERE)
    except HandoffError as exc:
        message = str(exc)
        assert "\n" not in message and "Traceback" not in message
        assert message.startswith(f"{WHERE}: not a zonecut zone description: ")
        assert len(message) < 400
        return message


def test_a_published_document_reads_back_as_itself() -> None:
    document = ZoneDocument.from_json(json.dumps(GOOD), WHERE)
    assert ZoneDocument.from_json(document.to_json(), WHERE) == document
    assert document.name_servers == tuple(GOOD["name_servers"])


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=200))
def test_any_text_is_a_document_or_one_line(text: str) -> None:
    read(text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(GOOD)), json_values)
def test_any_value_in_any_field_is_checked(key: str, value: Any) -> None:
    found = read(json.dumps({**GOOD, key: value}))
    if isinstance(found, ZoneDocument):
        # only what validates gets through, in canonical form
        assert re.fullmatch(r"[A-Z0-9]{1,32}", found.zone_id)
        assert len(found.account_id) == 12 and found.account_id.isdigit()
        assert found.name_servers and all(s == s.lower() for s in found.name_servers)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.sampled_from(sorted(GOOD)), min_size=1), json_values)
def test_missing_fields_and_other_shapes(missing: set[str], other: Any) -> None:
    found = read(json.dumps({k: v for k, v in GOOD.items() if k not in missing}))
    required = {"format", "name", "zone_id", "account_id", "name_servers"}
    assert isinstance(found, str) == bool(missing & required)
    read(json.dumps(other))


@pytest.mark.parametrize(("text", "said"), [
    ("[" * 5000, "the JSON is nested too deeply"),
    ('{"format": "zonecut.zone/1", "name": "' + "a." * 200 + 'com"', "not JSON"),
    (json.dumps({**GOOD, "name_servers": "ns-1.awsdns-01.com"}),
     "name_servers is 'ns-1.awsdns-01.com', not a list of host names"),
    (json.dumps({**GOOD, "name_servers": ["ns-1.example.com"] * 400}),
     "name_servers lists 400 servers (at most 13)"),
    (json.dumps({**GOOD, "zone_id": "/hostedzone/z1; rm -rf"}),
     "zone_id is '/hostedzone/z1; rm -rf', not a hosted zone id"),
    (json.dumps({**GOOD, "account_id": 222222222222}),
     "account_id is 222222222222, not a 12-digit account id"),
    (json.dumps({**GOOD, "name": "[b]x" * 40}), "name is '[b]x[b]x[b]x"),
    (json.dumps({**GOOD, "format": "zonecut.zone/2"}),
     "format is 'zonecut.zone/2', not 'zonecut.zone/1'"),
])
def test_the_message_says_what_is_wrong(text: str, said: str) -> None:
    message = read(text)
    assert isinstance(message, str) and said in message
