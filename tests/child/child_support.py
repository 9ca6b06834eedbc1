"""Helpers for the child-account tests: configs as text, runtimes on the sandbox."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from zonecut.config import ConfigError, ConfigProblem, load_config_text
from zonecut.config.document import Config
from zonecut.names import normalize
from zonecut.runtime import Runtime, Target
from zonecut.sandbox import Sandbox

NETWORK, DEV, PROD, TEAM = "111111111111", "222222222222", "333333333333", "444444444444"
PRINCIPAL = "arn:aws:iam::999999999999:role/zonecut-ci"

HEADER = f"""\
version: 1
defaults:
  rate_limit: 200
  access: {{role_name: ZonecutDelegation, principal_arn: "{PRINCIPAL}"}}
accounts:
  network: {{id: "{NETWORK}"}}
  dev: {{id: "{DEV}"}}
  prod: {{id: "{PROD}"}}
  team: {{id: "{TEAM}"}}
zones:
  - name: example.com
    account: network
    root: true
"""
"""Thirteen lines; zones appended after it start on line 14."""


def config(text: str, filename: str = "child.yaml") -> Config:
    return load_config_text(textwrap.dedent(text), filename)


def problems(text: str) -> list[ConfigProblem]:
    with pytest.raises(ConfigError) as caught:
        config(text)
    return caught.value.problems


def runtime(sandbox: Sandbox, cfg: Config, purpose: str = "apply") -> Runtime:
    return Runtime(cfg, Target(endpoint_url=sandbox.endpoint_url, sandbox=True),
                   purpose=purpose)


def zone_id(client: Any, name: str) -> str:
    for zone in client.list_hosted_zones()["HostedZones"]:
        if normalize(zone["Name"]) == name:
            return str(zone["Id"]).split("/")[-1]
    raise AssertionError(f"no zone {name}")


def rrsets(client: Any, name: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for page in client.get_paginator("list_resource_record_sets").paginate(
            HostedZoneId=zone_id(client, name)):
        found.extend(page["ResourceRecordSets"])
    return found


@contextmanager
def acm_wait(monkeypatch: pytest.MonkeyPatch, seconds: int) -> Iterator[None]:
    """moto issues a requested certificate after MOTO_ACM_VALIDATION_WAIT seconds.

    moto reads the variable once, into ``moto.settings.ACM_VALIDATION_WAIT``, when it is
    imported; the in-process sandbox has imported it already, so the setting is patched
    too (a sandbox started with `zonecut sandbox up` reads the variable at its start).
    """
    import moto.settings

    monkeypatch.setenv("MOTO_ACM_VALIDATION_WAIT", str(seconds))
    monkeypatch.setattr(moto.settings, "ACM_VALIDATION_WAIT", seconds)
    yield
