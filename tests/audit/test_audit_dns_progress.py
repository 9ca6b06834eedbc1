"""`audit --dns` says how far its DNS probe is, in words, as verify does (issue 13): "N of
M zone(s) probed" on a terminal; nothing with -o json or -o sarif, nothing when the
output is not a terminal. The installed `zonecut` on a pseudo-terminal, against a
background sandbox with the tree applied and two dangling delegations written into its
apex by hand."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from cli_support import background_sandbox, on_a_terminal, sandbox_tree, zonecut
from sandbox_fixtures import session_for
from zonecut.sandbox.control import SandboxClient
from zonecut.sandbox.process import status

pytestmark = pytest.mark.sandbox
PROGRESS = re.compile(r"probing dangling delegations over DNS: [0-2] of 2 zone\(s\) probed")
ANY_PROGRESS = re.compile(r"over DNS: \d+ of \d+ zone\(s\) probed")
AUDIT = ("audit", "--sandbox", "-c", "zonecut.yaml", "--dns")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with background_sandbox(tmp_path_factory.mktemp("audit-dns"), sandbox_tree(2),
                            apply=True) as path:
        info = status(path / ".zonecut")
        assert info is not None
        r53 = session_for(SandboxClient(info), "111111111111").client("route53")
        zone = r53.list_hosted_zones_by_name(DNSName="example.org")["HostedZones"][0]["Id"]
        r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": [{
            "Action": "CREATE", "ResourceRecordSet": {
                "Name": f"{name}.example.org", "Type": "NS", "TTL": 300,
                "ResourceRecords": [{"Value": "ns-1.awsdns-01.org"}]}}
            for name in ("gone", "left")]})
        yield path


def _plain(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", screen)


def test_audit_dns_shows_probe_progress_on_a_terminal(workdir: Path) -> None:
    code, screen = on_a_terminal(*AUDIT, cwd=workdir)
    assert code == 3, screen
    assert PROGRESS.search(screen), screen
    assert ANY_PROGRESS.search(_plain(screen))  # what the other tests look for, found here
    assert "AUDIT_DANGLING_DELEGATION" in _plain(screen)


@pytest.mark.parametrize("form", ["json", "sarif"])
def test_audit_dns_shows_no_progress_with_machine_output(workdir: Path, form: str) -> None:
    code, screen = on_a_terminal(*AUDIT, "-o", form, cwd=workdir)
    assert code == 3, screen
    assert not ANY_PROGRESS.search(_plain(screen))
    plain = _plain(screen)
    parsed = json.loads(plain[plain.index("{"):])  # the whole screen is the document
    assert parsed


def test_audit_dns_shows_no_progress_when_not_a_terminal(workdir: Path) -> None:
    piped = zonecut(*AUDIT, cwd=workdir)
    assert piped.returncode == 3, piped.stdout + piped.stderr
    assert not ANY_PROGRESS.search(piped.stdout + piped.stderr)
    dangling = [line for line in piped.stdout.splitlines() if "gone.example.org" in line]
    assert dangling, piped.stdout
