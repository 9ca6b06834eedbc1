"""The DNSSEC keys of the config: dnssec, kms_key_arn, ds_ttl (zone and defaults)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zonecut.config import load_config_text
from zonecut.config.dnssec import DS_TTL_DEFAULT, DS_TTL_MAX, DnssecSettings
from zonecut.config.tree import build_tree

from .support import HEADER, one_problem

KEY = "arn:aws:kms:us-east-1:222222222222:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def tree_of(text: str) -> dict[str, DnssecSettings]:
    config = load_config_text(text, "zonecut.yaml")
    return {z.name: z.dnssec for z in build_tree(config)}


def test_unset_everywhere_is_unmanaged() -> None:
    found = tree_of(HEADER + "  - name: dev.example.com\n    account: dev\n")
    for settings in found.values():
        assert settings.sign is None and not settings.managed
        assert settings.ds_ttl == DS_TTL_DEFAULT


def test_zone_overrides_defaults_and_defaults_fill_in() -> None:
    text = ("version: 1\ndefaults:\n  dnssec: true\n  ds_ttl: 900\n"
            + HEADER.removeprefix("version: 1\n")
            + "  - name: dev.example.com\n    account: dev\n    dnssec: false\n"
            + "  - name: a.dev.example.com\n    account: dev\n    ds_ttl: 60\n"
            + f"    kms_key_arn: {KEY}\n")
    found = tree_of(text)
    root, dev, team = (found[n] for n in ("example.com", "dev.example.com",
                                          "a.dev.example.com"))
    assert (root.sign, root.ds_ttl) == (True, 900)
    assert (dev.sign, dev.ds_ttl) == (False, 900)
    assert (team.sign, team.ds_ttl, team.kms_key_arn) == (True, 60, KEY)


@pytest.mark.parametrize(("line", "words"), [
    ("    kms_key_arn: arn:aws:kms:eu-west-1:222222222222:key/"
     "1234abcd-12ab-34cd-56ef-1234567890ab\n", "Route 53 signs only with keys in us-east-1"),
    ("    kms_key_arn: arn:aws:kms:us-east-1:222222222222:alias/zonecut\n",
     "is not a KMS key ARN"),
    ("    kms_key_arn: 1234abcd-12ab-34cd-56ef-1234567890ab\n", "is not a KMS key ARN"),
    (f"    ds_ttl: {DS_TTL_MAX + 1}\n", "604800"),
    ("    ds_ttl: 0\n", "ds_ttl"),
    ("    dnssec: yes please\n", "dnssec"),
])
def test_bad_values_name_their_line(line: str, words: str) -> None:
    problem = one_problem(HEADER + "  - name: dev.example.com\n    account: dev\n" + line)
    assert problem.line == 11, str(problem)
    assert words in str(problem), str(problem)


@given(st.integers(min_value=1, max_value=DS_TTL_MAX))
def test_every_ttl_up_to_a_week_is_accepted(ttl: int) -> None:
    found = tree_of(HEADER + f"  - name: dev.example.com\n    account: dev\n    ds_ttl: {ttl}\n")
    assert found["dev.example.com"].ds_ttl == ttl


def test_the_kms_region_is_one_fact() -> None:
    """config checks kms_key_arn against the region zonecut creates keys in (two copies:
    config may not import zonecut.aws)."""
    from zonecut.aws.kms_policy import KMS_REGION as AWS_SIDE
    from zonecut.config.dnssec import KMS_REGION as CONFIG_SIDE

    assert AWS_SIDE == CONFIG_SIDE == "us-east-1"
