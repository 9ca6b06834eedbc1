"""Loading valid configs, reading files, and YAML-level problems."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from zonecut.config import (
    Account,
    Config,
    ConfigError,
    ZoneSpec,
    load_config,
    load_config_text,
    yaml_reader,
)
from zonecut.config import loader as loader_module
from zonecut.errors import ZonecutError

from .support import HEADER, one_problem, problems

FILE = "zonecut.yaml"

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"

MINIMAL = """\
version: 1
accounts:
  network: {id: "111111111111"}
zones:
  - {name: example.com, account: network, root: true}
"""


def test_minimal_file_gets_every_default() -> None:
    config = load_config_text(MINIMAL)
    assert config.defaults.ns_ttl == 3600
    assert config.defaults.rate_limit == 5.0
    assert config.defaults.max_parallel_accounts == 8
    assert config.defaults.sync_timeout == 300
    assert (config.defaults.ns_ttl_policy.min, config.defaults.ns_ttl_policy.max) == (300, 172800)
    access = config.defaults.access
    assert (access.role_name, access.partition, access.session_name) == (
        "ZonecutDelegation", "aws", "zonecut")
    assert access.external_id is access.source_identity is access.region is None
    zone = config.zones[0]
    assert (zone.name, zone.account, zone.root, zone.ns_ttl, zone.tags) == (
        "example.com", "network", True, None, {})
    account = config.accounts["network"]
    assert account.assume_role is True and account.profile is None


def test_example_org_loads() -> None:
    config = load_config(EXAMPLE)
    assert [zone.name for zone in config.zones] == [
        "example.com", "dev.example.com", "team-a.dev.example.com", "prod.example.com",
        "api.example.com",
    ]
    assert config.defaults.access.role_name == "ZonecutDelegation"
    assert {key: account.id for key, account in config.accounts.items()} == {
        "network": "111111111111", "dev": "222222222222", "prod": "333333333333",
        "team-a": "444444444444", "api": "555555555555",
    }


def test_valid_file_round_trips() -> None:
    config = load_config(EXAMPLE)
    dumped = yaml.safe_dump(config.model_dump(mode="json"), sort_keys=False)
    assert load_config_text(dumped) == config
    assert Config.model_validate(config.model_dump()) == config


def test_names_are_stored_canonical() -> None:
    config = load_config_text(MINIMAL.replace("name: example.com", "name: 'Example.COM.'"))
    assert config.zones[0].name == "example.com"


def test_unicode_names_become_a_labels() -> None:
    config = load_config_text(MINIMAL.replace("name: example.com", "name: bücher.example"))
    assert config.zones[0].name == "xn--bcher-kva.example"


def test_unquoted_twelve_digit_account_id_is_accepted() -> None:
    config = load_config_text(MINIMAL.replace('"111111111111"', "111111111111"))
    assert config.accounts["network"].id == "111111111111"


def test_zone_may_name_its_account_by_id() -> None:
    config = load_config_text(MINIMAL.replace("account: network", "account: 111111111111"))
    assert config.zones[0].account == "111111111111"
    assert config.account("111111111111") is config.accounts["network"]


def test_yaml_anchors_and_merge_keys_work() -> None:
    text = """\
version: 1
accounts:
  network: &base {id: "111111111111", external_id: shared-secret}
  dev:
    <<: *base
    id: "222222222222"
zones:
  - {name: example.com, account: network, root: true}
"""
    config = load_config_text(text)
    assert config.accounts["dev"].id == "222222222222"
    assert config.accounts["dev"].external_id == "shared-secret"


def test_account_lookup_and_access() -> None:
    text = """\
version: 1
defaults:
  access: {role_name: "zc-{account}-{account_id}", external_id: outer, partition: aws-cn}
accounts:
  network: {id: "111111111111", external_id: inner}
  dev: {id: "222222222222", role_arn: "arn:aws-cn:iam::222222222222:role/path/Other"}
  local: {id: "333333333333", assume_role: false, profile: local}
zones:
  - {name: example.com, account: network, root: true}
"""
    config = load_config_text(text)
    assert config.account("network") is config.accounts["network"]
    assert config.account("222222222222") is config.accounts["dev"]
    assert config.account("nope") is None and config.account_key("nope") is None
    assert config.role_arn_for("network") == (
        "arn:aws-cn:iam::111111111111:role/zc-network-111111111111")
    assert config.role_arn_for("dev") == "arn:aws-cn:iam::222222222222:role/path/Other"
    assert config.role_arn_for("local") is None
    access = config.effective_access("network")
    assert (access.role_name, access.external_id) == ("zc-network-111111111111", "inner")
    assert config.effective_access("dev").external_id == "outer"
    with pytest.raises(KeyError):
        config.role_arn_for("nope")


def test_config_built_in_python_checks_relations_too() -> None:
    with pytest.raises(ValidationError, match="not under any declared zone"):
        Config(
            version=1,
            accounts={"network": Account(id="111111111111")},
            zones=(ZoneSpec(name="dev.example.com", account="network"),),
        )


def test_config_error_is_a_zonecut_error() -> None:
    with pytest.raises(ZonecutError):
        load_config_text("")


# -- file and YAML level ------------------------------------------------------------------


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert problem.line is None
    assert str(path) in problem.message and "cannot read" in problem.message


def test_directory_is_not_readable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path)


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_bytes(b"version: 1\naccounts: {}\nzones: [\xff]\n")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    (problem,) = caught.value.problems
    assert (problem.file, problem.line) == (str(path), 3)
    assert "not UTF-8" in problem.message


def test_file_with_bom_loads(tmp_path: Path) -> None:
    path = tmp_path / "zonecut.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL.encode())
    assert load_config(path).zones[0].name == "example.com"


@pytest.mark.parametrize("text", ["", "\n\n", "# nothing but a comment\n", "---\n", "null\n"])
def test_empty_file(text: str) -> None:
    problem = one_problem(text)
    assert problem.line is None
    assert problem.message.startswith("the file is empty")


@pytest.mark.parametrize(("text", "found"), [
    ("- a\n- b\n", "found a list"),
    ("just text\n", "found a single value (the text 'just text')"),
    ("42\n", "found a single value (the number 42)"),
])
def test_top_level_must_be_a_mapping(text: str, found: str) -> None:
    problem = one_problem(text)
    assert problem.line == 1
    assert problem.message.startswith("the top level must be a mapping")
    assert problem.message.endswith(found)


def test_yaml_syntax_error_has_line_and_column() -> None:
    problem = one_problem("version: 1\naccounts:\n  network: {id: 1\nzones: []\n")
    assert (problem.line, problem.column) == (4, 6)
    assert problem.message.startswith("YAML syntax error: ")
    assert "line 3" in problem.message


def test_tab_indentation_is_a_syntax_error() -> None:
    problem = one_problem("version: 1\naccounts:\n\tnetwork: {}\n")
    assert problem.line == 3 and "YAML syntax error" in problem.message


def test_two_documents_are_refused() -> None:
    problem = one_problem(MINIMAL + "---\nversion: 1\n")
    assert problem.line == 6 and "single document" in problem.message


def test_control_character_is_refused() -> None:
    problem = one_problem("version: 1\naccounts: {}\nzones: [\x07]\n")
    assert problem.line == 3 and "U+0007" in problem.message


def test_unknown_yaml_tag_is_refused() -> None:
    found = problems(MINIMAL.replace("account: network", "account: !!python/name:os.system x"))
    assert [(p.line, p.path) for p in found] == [(5, "zones[0].account")]
    assert "cannot read this value" in found[0].message


def test_set_tag_is_refused() -> None:
    found = problems(MINIMAL + "  - !!set {a, b}\n")
    assert [(p.line, p.path) for p in found] == [(6, "zones[1]")]
    assert "unsupported YAML tag" in found[0].message


def test_undefined_alias() -> None:
    problem = one_problem(MINIMAL.replace('{id: "111111111111"}', "*nowhere"))
    assert problem.line == 3 and "undefined alias" in problem.message


def test_recursive_alias() -> None:
    problem = one_problem("version: 1\naccounts: &a {x: *a}\nzones: []\n")
    assert problem.line == 2 and "contains it" in problem.message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["l0: &l0 [a, a, a, a, a, a, a, a, a, a]"]
    for level in range(1, 9):
        refs = ", ".join([f"*l{level - 1}"] * 10)
        lines.append(f"l{level}: &l{level} [{refs}]")
    problem = one_problem("\n".join(lines) + "\n")
    assert "once aliases are expanded" in problem.message


DEEP = "the document is nested more than 64 levels deep (a zonecut config needs five)"


@pytest.fixture(params=["libyaml", "pure-python"])
def either_loader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with libyaml's loader (when PyYAML has it) and with PyYAML's own."""
    if request.param == "libyaml":
        if not yaml.__with_libyaml__:
            pytest.skip("this PyYAML is built without libyaml")
        monkeypatch.setattr(yaml_reader, "_LOADER", yaml.CSafeLoader)
    else:
        monkeypatch.setattr(yaml_reader, "_LOADER", yaml.SafeLoader)
    return str(request.param)


@pytest.mark.parametrize("depth", [100, 5000, 200_000])
@pytest.mark.parametrize("brackets", ["[]", "{}"])
def test_deep_nesting_is_one_problem_whichever_layer_notices(
    either_loader: str, depth: int, brackets: str,
) -> None:
    # PyYAML 6.0.4's libyaml refuses deep nesting itself, in its own words; the pure
    # Python composer recurses. The user must see the same one problem either way.
    opening, closing = brackets
    text = "version: " + opening * depth + closing * depth + "\n"
    problem = one_problem(text)
    assert (problem.file, problem.line, problem.message) == (FILE, 1, DEEP)
    assert problem.column is not None and problem.column > len("version: ")


def test_deep_block_nesting_names_its_line(either_loader: str) -> None:
    lines = [" " * level + f"k{level}:" for level in range(80)]
    problem = one_problem("\n".join(lines) + " x\n")
    assert problem.message == DEEP and problem.line == 66


def test_nesting_at_the_limit_is_not_refused_for_depth(either_loader: str) -> None:
    found = problems("version: " + "[" * 64 + "]" * 64 + "\n")
    assert DEEP not in {p.message for p in found}


def test_huge_number_is_refused() -> None:
    problem = one_problem(MINIMAL.replace("root: true", "root: true, ns_ttl: " + "9" * 5000))
    assert problem.line == 5 and "too large" in problem.message


def test_text_over_the_size_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "MAX_BYTES", 100)
    problem = one_problem(MINIMAL + "#" * 200 + "\n")
    assert "at most 100" in problem.message


def test_file_over_the_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "MAX_BYTES", 100)
    path = tmp_path / "big.yaml"
    path.write_text(MINIMAL + "#" * 200 + "\n")
    with pytest.raises(ConfigError, match="larger than 100 bytes"):
        load_config(path)


def test_endless_device_is_cut_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(loader_module, "MAX_BYTES", 1000)
    with pytest.raises(ConfigError, match="larger than 1000 bytes"):
        load_config("/dev/zero")


def test_many_zones_load_fast() -> None:
    zones = "".join(
        f"  - {{name: z{i}.example.com, account: dev}}\n" for i in range(2000)
    )
    config = load_config_text(HEADER + zones)
    assert len(config.zones) == 2001


def test_many_errors_are_all_reported() -> None:
    zones = "".join(f"  - {{name: z{i}..example.com, account: dev}}\n" for i in range(300))
    found = problems(HEADER + zones)
    assert len(found) == 300
    assert [p.line for p in found] == list(range(9, 309))


@pytest.mark.parametrize("text", [
    MINIMAL,
    "version: 1\naccounts:\n  network: {id: 1\nzones: []\n",
    "version: 1\naccounts: {}\nzones: [\x07]\n",
    "version: 1\naccounts: {}\nzones: ['\ud800']\n",
    "version: 1\naccounts: &a {x: *a}\nzones: []\n",
    "version: 1\nversion: 1\naccounts: {}\nzones: []\n",
    MINIMAL + "  - {name: é..com, account: network}\n",
])
def test_libyaml_and_pure_python_readers_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def outcome() -> list[tuple[int | None, str]] | Config:
        try:
            return load_config_text(text)
        except ConfigError as exc:
            return [(problem.line, problem.path) for problem in exc.problems]

    fast = outcome()
    monkeypatch.setattr(yaml_reader, "_LOADER", yaml.SafeLoader)
    assert outcome() == fast
