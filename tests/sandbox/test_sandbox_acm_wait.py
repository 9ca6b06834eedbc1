"""The sandbox's ACM validation wait (issue 13, item 4): short by default (moto's own is
60 s, so every apply with a new certificate waited about a minute), a realistic wait
when asked for (``--acm-wait``, ``MOTO_ACM_VALIDATION_WAIT``), a negative one refused."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from cli_support import clean_env, invoke
from sandbox_fixtures import session_for
from zonecut.sandbox import Sandbox, down, load_info
from zonecut.sandbox.acm_wait import DEFAULT_ACM_WAIT, ENVIRONMENT, chosen_wait

pytestmark = pytest.mark.sandbox

DEV = "222222222222"
CONFIG = """\
version: 1
defaults: {rate_limit: 100, access: {role_name: ZonecutDelegation}}
accounts:
  network: {id: "111111111111"}
  dev: {id: "222222222222"}
zones:
  - {name: example.com, account: network, root: true}
  - name: dev.example.com
    account: dev
    certificates:
      - {domains: [dev.example.com], region: us-east-1}
"""


def request(endpoint: Any) -> tuple[Any, str]:
    acm = session_for(endpoint, DEV).client("acm", region_name="us-east-1")
    arn = acm.request_certificate(DomainName="dev.example.com",
                                  ValidationMethod="DNS")["CertificateArn"]
    return acm, str(arn)


def status(acm: Any, arn: str) -> str:
    return str(acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"])


def test_the_wait_in_force(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENVIRONMENT, raising=False)
    assert chosen_wait(None) == DEFAULT_ACM_WAIT <= 5
    assert chosen_wait(60) == 60.0
    monkeypatch.setenv(ENVIRONMENT, "90")
    assert chosen_wait(None) == 90.0 and chosen_wait(0) == 0.0  # explicit wins
    monkeypatch.setenv(ENVIRONMENT, "soon")
    with pytest.raises(ValueError, match="MOTO_ACM_VALIDATION_WAIT='soon' is not a number"):
        chosen_wait(None)
    with pytest.raises(ValueError, match="must not be negative"):
        chosen_wait(-1)


def test_a_new_certificate_is_issued_after_the_short_default(fresh_sandbox: Sandbox) -> None:
    wait = fresh_sandbox.acm_wait
    assert wait == chosen_wait(None)
    acm, arn = request(fresh_sandbox)
    started = time.monotonic()
    assert status(acm, arn) == "PENDING_VALIDATION"
    while status(acm, arn) != "ISSUED":
        assert time.monotonic() - started < wait + 10, "still pending"
        time.sleep(0.2)
    assert time.monotonic() - started >= wait - 0.5


def zonecut(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "zonecut.cli", *args], cwd=cwd,
                          env=clean_env(), capture_output=True, text=True, timeout=180,
                          check=False)


def test_apply_with_a_new_certificate_waits_seconds_not_a_minute(tmp_path: Path) -> None:
    """A background sandbox at its default; apply --sandbox checks the validation record
    through the sandbox's DNS, then waits for ACM."""
    (tmp_path / "zonecut.yaml").write_text(CONFIG)
    assert zonecut("sandbox", "up", cwd=tmp_path).returncode == 0
    try:
        started = time.monotonic()
        ran = invoke("apply", "--sandbox", "--yes", "-o", "json", cwd=tmp_path)
        wall = time.monotonic() - started
        assert ran.returncode == 0, ran.stderr + ran.stdout
        made = json.loads(ran.stdout)["child_resources"]
        assert len(made["certificates_requested"]) == 1
        assert made["certificates_pending"] == []
        assert wall < 40, f"apply took {wall:.0f} s"  # was about 65 s with moto's 60 s
    finally:
        down(tmp_path / ".zonecut")


def test_sandbox_up_takes_a_realistic_wait_and_refuses_a_negative_one(tmp_path: Path) -> None:
    refused = invoke("sandbox", "up", "--acm-wait", "-1", cwd=tmp_path)
    assert refused.returncode == 64 and "Traceback" not in refused.stderr
    state = tmp_path / ".zonecut"
    up = zonecut("sandbox", "up", "--no-dns", "--acm-wait", "45", cwd=tmp_path)
    try:
        assert up.returncode == 0, up.stderr
        info = load_info(state)
        assert info is not None
        acm, arn = request(info)
        time.sleep(DEFAULT_ACM_WAIT + 1.5)
        assert status(acm, arn) == "PENDING_VALIDATION"  # 45 s, not the default
    finally:
        down(state)
