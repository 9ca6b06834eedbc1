"""Each account's botocore session starts from a copy of botocore's built-in event
handlers, registered once (zonecut.aws.sessions): the same handlers as a session
botocore makes itself, and nothing registered on one account's session reaches
another's."""

from __future__ import annotations

from typing import Any

import botocore.session

from zonecut.aws.sessions import _core_session


def _handlers(emitter: Any) -> list[tuple[tuple[str, ...], list[str]]]:
    """Every event prefix with its handlers in order (botocore's private trie: this test
    pins that our copy equals what botocore would have registered)."""
    found: list[tuple[tuple[str, ...], list[str]]] = []

    def walk(node: dict[str, Any], prefix: tuple[str, ...]) -> None:
        for key, child in node["children"].items():
            walk(child, (*prefix, key))
        values = node["values"]
        if values:
            found.append((prefix, [repr(h) for h in
                                   (*values.first, *values.middle, *values.last)]))

    walk(emitter._handlers._root, ())
    return sorted(found)


def test_a_session_has_the_handlers_botocore_would_register() -> None:
    ours = _core_session(read_profiles=False).get_component("event_emitter")
    botocores = botocore.session.Session().get_component("event_emitter")
    assert _handlers(ours._emitter) == _handlers(botocores._emitter)
    assert len(_handlers(ours._emitter)) > 50


def test_what_one_account_registers_stays_in_its_session() -> None:
    first, second = _core_session(read_profiles=False), _core_session(read_profiles=False)
    seen: list[str] = []
    first.register("zonecut-test.route53.event", lambda **kw: seen.append("first"))
    second.get_component("event_emitter").emit("zonecut-test.route53.event")
    assert seen == []
    first.get_component("event_emitter").emit("zonecut-test.route53.event")
    assert seen == ["first"]
    third = _core_session(read_profiles=False)
    third.get_component("event_emitter").emit("zonecut-test.route53.event")
    assert seen == ["first"]
