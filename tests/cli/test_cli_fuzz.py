"""Bad input through the command line: every case ends in a clear message and an exit
code, never a traceback, never a change (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from zonecut.cli.main import app
from zonecut.sandbox import Sandbox

runner = CliRunner()

LONGEST_LABELS = ".".join(["a" * 63] * 3)
VALID_NAMES = [
    "Dev.Example.COM", "dev.example.com.", "xn--bcher-kva.example.com", "bücher.example.com",
    "a" * 63 + ".example.com",
    LONGEST_LABELS + "." + "b" * 49 + ".example.com",  # 253 octets
]
INVALID_NAMES = [
    "*.example.com", "\\052.example.com", "a" * 64 + ".example.com",
    LONGEST_LABELS + "." + "b" * 50 + ".example.com",  # 254 octets
    "", ".", "..", "dev..example.com", "-dev.example.com", "dev-.example.com",
    "dev example.com", "dev.example.com\x00", "\ud800.example.com", "com", "x" * 10000,
]
ODD_NAMES = VALID_NAMES + INVALID_NAMES

scalars = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70),
                    st.floats(allow_nan=True), st.text(max_size=30),
                    st.sampled_from(ODD_NAMES))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)),
    max_leaves=12)

zone = st.fixed_dictionaries({
    "name": st.one_of(st.sampled_from(ODD_NAMES), values),
    "account": st.one_of(st.sampled_from(["a", "b", "111111111111", "nope"]), values),
}, optional={"root": st.one_of(st.booleans(), values), "ns_ttl": values,
             "zone_id": values, "tags": values, "extra": values})
configs = st.fixed_dictionaries({
    "version": st.one_of(st.just(1), values),
    "accounts": st.one_of(st.just({"a": {"id": "111111111111"}, "b": {"id": "222222222222"}}),
                          values),
    "zones": st.one_of(st.lists(zone, max_size=5), values),
}, optional={"defaults": values})


def check_result(output: str, exit_code: int, exception: BaseException | None) -> None:
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    assert "Traceback" not in output


@pytest.fixture(scope="module")
def env(sandbox: Sandbox) -> Sandbox:
    return sandbox


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=configs)
def test_structured_garbage(tmp_path_factory: pytest.TempPathFactory, env: Sandbox,
                            data: dict[str, object]) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "zonecut.yaml"
    try:
        path.write_text(yaml.safe_dump(data, allow_unicode=True))
    except (UnicodeEncodeError, yaml.YAMLError):
        path.write_bytes(repr(data).encode("utf-8", "surrogatepass"))
    before = {k: v for k, v in env.calls().items() if k[1] in WRITES}
    result = runner.invoke(app, ["validate", "-c", str(path)])
    check_result(result.output, result.exit_code, result.exception)
    if result.exit_code != 0:
        assert "error" in result.output
        # an invalid config never reaches AWS: plan fails the same way, with no call
        planned = runner.invoke(app, ["plan", "-c", str(path), "--endpoint-url",
                                      env.endpoint_url])
        check_result(planned.output, planned.exit_code, planned.exception)
        assert planned.exit_code == 1
    after = {k: v for k, v in env.calls().items() if k[1] in WRITES}
    assert before == after


WRITES = {"CreateHostedZone", "ChangeResourceRecordSets", "DeleteHostedZone",
          "ChangeTagsForResource"}


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(text=st.one_of(st.text(max_size=400), st.binary(max_size=400).map(
    lambda b: b.decode("latin-1"))))
def test_raw_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "zonecut.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    result = runner.invoke(app, ["validate", "-c", str(path)])
    check_result(result.output, result.exit_code, result.exception)
    assert result.exit_code == 1
    assert str(path) in result.output.replace("\n", "")


@pytest.mark.parametrize(("name", "valid"), [(n, True) for n in VALID_NAMES]
                         + [(n, False) for n in INVALID_NAMES])
def test_odd_zone_names_are_accepted_or_refused_with_the_line(
        tmp_path: Path, name: str, valid: bool) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_text(yaml.safe_dump({
        "version": 1, "accounts": {"a": {"id": "111111111111"}},
        "zones": [{"name": "example.com", "account": "a", "root": True},
                  {"name": name, "account": "a"}]}, allow_unicode=True)
        if "\ud800" not in name else "version: 1\nzones: [{name: '\\ud800'}]\n")
    result = runner.invoke(app, ["validate", "-c", str(path)])
    check_result(result.output, result.exit_code, result.exception)
    assert result.exit_code == (0 if valid else 1), result.output
    if not valid:
        assert f"{path}:" in result.output.replace("\n", "")
