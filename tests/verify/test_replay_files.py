"""verify --replay with files a user hands in (issue 11, item 10): every malformed file
is one line naming the file and the field, exit 1, never a traceback; nothing from the
file reaches the terminal as an escape sequence or as rich markup."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner
from verify_world import World

from zonecut.cli.main import app
from zonecut.verify.observations import Observations

runner = CliRunner()
TEAM = "team-a.dev.example.com"


def saved(world: World | None = None) -> dict[str, Any]:
    world = world or World.healthy()
    observations = world.observations()
    data = Observations(queries=observations.queries, hosts=observations.hosts,
                        paths=observations.paths, targets=tuple(world.target_list()))
    return dict(json.loads(data.to_json()))


def replay(tmp_path: Path, content: str | bytes) -> Any:
    path = tmp_path / "obs.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return runner.invoke(app, ["verify", "--replay", str(path), "-c",
                               str(tmp_path / "absent.yaml")], env={"COLUMNS": "1000"})


def assert_refused(result: Any, *fragments: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("error: ") and "obs.json: not zonecut observations" in lines[0]
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert "\x1b" not in result.output


def break_at(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


VARIANTS = [
    (("queries", 0, "outcome"), "maybe", "queries[0].outcome"),
    (("queries", 0, "port"), 70000, "queries[0].port"),
    (("queries", 0, "role"), KeyError, "queries[0].role"),
    (("queries", 0, "glue"), [["only-one"]], "queries[0].glue[0]"),
    (("queries", 0, "soa_serial"), -1, "queries[0].soa_serial"),
    (("hosts", 0, "addresses"), "192.0.2.1", "hosts[0].addresses"),
    (("paths", 0, "parent_servers"), KeyError, "paths[0].parent_servers"),
    (("targets", 0, "child_zone"), {"zone_id": 1}, "targets[0].child_zone"),
    (("targets", 0, "lookup"), "lost", "targets[0].lookup"),
    (("targets", 1, "parent_ns", "ttl"), "long", "targets[1].parent_ns.ttl"),
    (("stats",), [], "stats"),
    (("queries",), {"a": 1}, "queries"),
]


@pytest.mark.parametrize(("path", "value", "field"), VARIANTS)
def test_each_malformed_field_is_named(tmp_path: Path, path: tuple[str | int, ...],
                                       value: Any, field: str) -> None:
    data = break_at(saved(), path, value)
    assert_refused(replay(tmp_path, json.dumps(data)), field)


@pytest.mark.parametrize(("content", "words"), [
    ("", "not valid JSON"), ("[1, 2]", ""), ('{"format": "x"}', "not a zonecut"),
    ('{"format": "zonecut.verify.observations", "version": 99}', "version 99"),
    (b"\xff\xfe\x00", "not UTF-8"), ("[" * 100000, ""),
])
def test_files_that_are_not_observations(tmp_path: Path, content: str | bytes,
                                         words: str) -> None:
    assert_refused(replay(tmp_path, content), words)


def test_a_good_file_replays(tmp_path: Path) -> None:
    result = replay(tmp_path, json.dumps(saved()))
    assert result.exit_code == 0, result.output
    assert "All 3 delegation(s) verified" in result.output


def test_escapes_and_markup_from_the_file_are_printed_as_text(tmp_path: Path) -> None:
    world = World.healthy()
    hostile = "ns-\x1b[31mred\x1b[0m[bold]x[/bold].example.net"
    world.child_says(TEAM, hostile, aa=False)
    data = saved(world)
    target = next(t for t in data["targets"] if t["child"] == TEAM)
    target["child_apex_ns"]["values"].append(hostile)  # EXTRA_NS_IN_APEX names it
    result = replay(tmp_path, json.dumps(data))
    assert result.exit_code == 3  # findings
    assert "\x1b" not in result.output
    assert "\\x1b[31mred" in result.output
    assert "[bold]x[/bold]" in result.output  # not swallowed as markup
    # A field value with an escape in an error message is shown, not run.
    data["queries"][0]["outcome"] = "\x1b]0;pwned\x07"
    assert_refused(replay(tmp_path, json.dumps(data)), "queries[0].outcome")


JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-2**40, 2**40) | st.floats(allow_nan=False)
    | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = saved()
    for _ in range(draw(st.integers(1, 3))):
        section = draw(st.sampled_from(["queries", "hosts", "paths", "targets", "stats",
                                        "roots"]))
        node: Any = data.setdefault(section, [])
        if isinstance(node, list) and node:
            node = node[draw(st.integers(0, len(node) - 1))]
        if isinstance(node, dict) and node:
            key = draw(st.sampled_from(sorted(node)))
            node[key] = draw(JSON)
        else:
            data[section] = draw(JSON)
    return data


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(data=mutated())
def test_fuzzed_files_give_a_message_or_a_report(tmp_path: Path, data: dict[str, Any]
                                                 ) -> None:
    result = replay(tmp_path, json.dumps(data))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert "\x1b" not in result.output
    if result.exit_code == 1 and result.output.startswith("error: "):
        assert_refused(result)
    else:
        # Read, checked, reported: 0 when clean, 3 when the file's facts give an error
        # or critical finding (a mutated host list can make a parent unreachable).
        assert result.exit_code in (0, 3), result.output


def test_a_well_formed_file_whose_facts_break_a_delegation_is_reported_with_exit_3(
        tmp_path: Path) -> None:
    # Hypothesis found this shape in CI: a valid file whose root servers gave no answer.
    data = saved()
    for query in data["queries"]:
        if query["qname"] == "example.com" and query["qtype"] == "NS":
            query["outcome"] = "timeout"
    result = replay(tmp_path, json.dumps(data))
    assert result.exit_code == 3, result.output
    assert not result.output.startswith("error: ")
    assert "PARENT_UNREACHABLE" in result.output
