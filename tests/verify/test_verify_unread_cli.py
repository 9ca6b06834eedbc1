"""verify through the real `zonecut` command line against a background sandbox.

ZONE_UNREAD (issue 11): a declared zone whose account cannot be read is one finding,
ZONE_UNREAD, naming why; the rest of the tree is still verified, and the run exits 3.
Probe caps from the command line (issue 11): `--max-ns` and `--max-glueless` bound the
walk; a referral beyond them is PROBE_LIMIT for the zone.
Progress (issue 13): on a terminal verify says how many zones its DNS probe has checked,
in words; with -o json, or when the output is not a terminal, it says nothing of it.

The account is made unreadable the way it happens on AWS: the credentials zonecut is
given for it reach another account (here: the account is declared with
``assume_role: false`` and no profile, so the sandbox's base credentials are used,
which land in the sandbox's management account 123456789012), and STS
GetCallerIdentity proves it. Runs `zonecut` in subprocesses against a background
sandbox (`sandbox up`); the verify under test runs as the installed `zonecut` script, the
set-up through the same app in-process (cheaper on a busy machine).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import background_sandbox, invoke, on_a_terminal, sandbox_tree, zonecut
from zonecut.cli.verify_cmd import policy_for

pytestmark = pytest.mark.sandbox

HEALTHY = sandbox_tree()
# The same tree; the dev account is now reached with credentials of another account.
UNREADABLE_DEV = HEALTHY.replace('dev: {id: "222222222222"}',
                                 'dev: {id: "222222222222", assume_role: false}')


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One background sandbox for the module, the healthy tree applied."""
    with background_sandbox(tmp_path_factory.mktemp("verify-cli"), HEALTHY,
                            apply=True) as path:
        yield path


PROGRESS = re.compile(r"checking delegations over DNS: [0-3] of 3 zone\(s\) checked")


def test_verify_shows_probe_progress_in_words_on_a_terminal_only(workdir: Path) -> None:
    code, screen = on_a_terminal("verify", "--sandbox", cwd=workdir)
    assert code == 0, screen
    assert PROGRESS.search(screen), screen
    assert "All 3 delegation(s) verified: no finding" in screen
    code, screen = on_a_terminal("verify", "--sandbox", "-o", "json", cwd=workdir)
    assert code == 0 and not PROGRESS.search(screen)
    plain = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)  # print_json colours a terminal
    assert json.loads(plain[plain.index("{"):])["findings"] == []
    piped = zonecut("verify", "--sandbox", cwd=workdir)  # not a terminal
    assert piped.returncode == 0 and "checking delegations" not in piped.stdout + piped.stderr


def test_an_account_that_cannot_be_read_is_zone_unread(workdir: Path) -> None:
    healthy = invoke("verify", "--sandbox", "-o", "json", cwd=workdir)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr

    (workdir / "broken.yaml").write_text(UNREADABLE_DEV)
    ran = zonecut("verify", "--sandbox", "-c", "broken.yaml", "-o", "json", cwd=workdir)
    assert ran.returncode == 3, ran.stdout + ran.stderr
    assert "Traceback" not in ran.stderr
    data = json.loads(ran.stdout)
    found = sorted((f["code"], f["zone"], f["severity"]) for f in data["findings"])
    assert found == [("ZONE_UNREAD", "dev.example.org", "error")]
    unread = data["findings"][0]
    why = " ".join(str(v) for v in (unread["message"], unread.get("details", "")))
    assert "222222222222" in why and "reaches account 123456789012" in why, why
    assert data["summary"]["exit_code"] == 3
    # The zones of the other accounts were verified; dev was not.
    assert data["summary"]["zones"] == 3 and data["summary"]["zones_verified"] == 2

    table = invoke("verify", "--sandbox", "-c", "broken.yaml", cwd=workdir)
    assert table.returncode == 3
    assert "ZONE_UNREAD" in table.stdout
    assert "2 of 3 delegation(s) verified; 1 finding(s): 1 error" in table.stdout


def test_probe_caps_from_the_command_line(workdir: Path) -> None:
    """Every sandbox zone has 4 NS names: --max-ns 2 caps each referral on every path.
    (The sandbox's referrals come with glue, so --max-glueless is attacked on the DNS lab
    in test_verify_bounds; here its value is checked to reach the probe's policy.)"""
    ran = invoke("verify", "--sandbox", "-o", "json", "--max-ns", "2", cwd=workdir)
    assert ran.returncode == 3, ran.stdout + ran.stderr
    findings = json.loads(ran.stdout)["findings"]
    limited = {f["zone"] for f in findings if f["code"] == "PROBE_LIMIT"}
    assert limited == {"example.org", "dev.example.org", "team-a.dev.example.org"}
    assert all("lists 4 NS names; only 2 were followed" in json.dumps(f)
               for f in findings if f["code"] == "PROBE_LIMIT")
    roomy = invoke("verify", "--sandbox", "-o", "json", "--max-ns", "4", "--max-glueless",
                   "1", cwd=workdir)
    assert roomy.returncode == 0 and json.loads(roomy.stdout)["findings"] == []
    policy = policy_for(None, 2.0, 1, 64, max_ns=5, max_glueless=3)
    assert (policy.max_ns_per_referral, policy.max_glueless) == (5, 3)
