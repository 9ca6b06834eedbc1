"""`zonecut lambda template` (cfn-lint clean, exactly the permissions the handlers use)
and `zonecut lambda package` (wheels for the Lambda platform, reproducible zip)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from child_support import DEV, NETWORK, TEAM
from typer.testing import CliRunner

from zonecut.aws_lambda.package import PLATFORM, foreign_modules, pip_command, write_zip
from zonecut.cli.main import app
from zonecut.iam.lambda_template import LambdaDeployment, consumer_template, parent_template

runner = CliRunner()
ALLOW = {DEV: ["dev.example.com", "*.dev.example.com"], TEAM: ["team.example.com"]}


def lint(body: dict[str, Any]) -> list[str]:
    api = pytest.importorskip("cfnlint.api")
    return [str(m) for m in api.lint(json.dumps(body), regions=["us-east-1"])]


def actions(body: dict[str, Any], logical: str) -> set[str]:
    found: set[str] = set()
    for policy in body["Resources"][logical]["Properties"]["Policies"]:
        for statement in policy["PolicyDocument"]["Statement"]:
            listed = statement["Action"]
            found.update([listed] if isinstance(listed, str) else listed)
    return found


def test_templates_pass_cfn_lint_with_exactly_the_permissions_used() -> None:
    full = parent_template(LambdaDeployment("Z0123456789ABC", ALLOW))
    bare = parent_template(LambdaDeployment("Z0123456789ABC", ALLOW, events=False,
                                            ssm_prefix=""))
    consumer = consumer_template(NETWORK)
    for body in (full, bare, consumer, consumer_template(NETWORK, events=False)):
        assert lint(body) == []
    assert actions(full, "FunctionRole") == {
        "route53:GetHostedZone", "route53:ListResourceRecordSets",
        "route53:ChangeResourceRecordSets", "route53:GetChange", "ssm:GetParameter",
        "ssm:PutParameter", "ssm:DeleteParameter", "ssm:GetParametersByPath",
        "sts:AssumeRole", "logs:CreateLogStream", "logs:PutLogEvents"}
    assert actions(consumer, "ReadZones") == {"route53:GetHostedZone",
                                              "route53:ListHostedZonesByName",
                                              "cloudformation:DescribeStackResource"}
    statements = full["Resources"]["FunctionRole"]["Properties"]["Policies"][0][
        "PolicyDocument"]["Statement"]
    delegate = next(s for s in statements if s["Sid"] == "Delegate")
    assert delegate["Condition"]["ForAllValues:StringLike"][
        "route53:ChangeResourceRecordSetsNormalizedRecordNames"] == [
        "*.dev.example.com", "dev.example.com", "team.example.com"]
    prove = next(s for s in statements if s["Sid"] == "ProveZones")
    assert len(prove["Resource"]) == 2  # one role per consumer account, no wildcard
    # the custom resource is invocable by each consumer account, not by an organization
    invokers = sorted(r["Properties"]["Principal"] for r in full["Resources"].values()
                      if r["Type"] == "AWS::Lambda::Permission")
    assert invokers == sorted([DEV, TEAM, "events.amazonaws.com"])
    assert "PrincipalOrgID" not in json.dumps(full)
    rule = full["Resources"]["Route53Events"]["Properties"]["EventPattern"]
    assert rule["account"] == sorted(ALLOW)
    env = full["Resources"]["CustomResource"]["Properties"]["Environment"]["Variables"]
    assert json.loads(env["ZONECUT_ALLOW"]) == ALLOW
    assert "Route53Events" not in bare["Resources"] and "Events" not in bare["Resources"]


def test_the_cli_writes_both_templates_and_refuses_bad_input(tmp_path: Path) -> None:
    allow = tmp_path / "allow.json"
    allow.write_text(json.dumps(ALLOW))
    made = runner.invoke(app, ["lambda", "template", "--parent-zone-id", "Z0123456789ABC",
                               "--allow", f"@{allow}"])
    assert made.exit_code == 0, made.output
    assert lint(json.loads(made.stdout)) == []
    consumer = runner.invoke(app, ["lambda", "template", "--consumer", NETWORK])
    assert consumer.exit_code == 0 and lint(json.loads(consumer.stdout)) == []
    for args, words in [
        (["--parent-zone-id", "Z0123456789ABC"], "the parent template needs --allow"),
        (["--parent-zone-id", "Z0123456789ABC", "--allow", "{nope"], "--allow: not JSON"),
        (["--parent-zone-id", "Z0123456789ABC", "--allow", f"@{tmp_path}/missing.json"],
         "missing.json: No such file"),
        (["--parent-zone-id", "bad id", "--allow", json.dumps(ALLOW)], "is not a hosted zone"),
        (["--consumer", "12345"], "not a 12-digit account id"),
    ]:
        result = runner.invoke(app, ["lambda", "template", *args])
        assert result.exit_code == 1, (args, result.output)
        assert words in result.stderr and "Traceback" not in result.output


def test_pip_is_asked_for_the_lambda_platform_only() -> None:
    command = pip_command(Path("/tmp/x"), ["boto3>=1.34"])
    joined = " ".join(command)
    assert f"--platform {PLATFORM}" in joined and "--only-binary=:all:" in joined
    assert "--python-version 3.11" in joined and "--implementation cp" in joined


def test_compiled_modules_for_another_platform_are_found(tmp_path: Path) -> None:
    for name in ["yaml/_yaml.cpython-311-x86_64-linux-gnu.so", "cryptography/_rust.abi3.so",
                 "pkg.libs/libcrypto-1a2b3c.so.3", "plain.py"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert foreign_modules(tmp_path) == []
    for name in ["yaml/_yaml.cpython-311-darwin.so", "pydantic_core/core.cp311-win_amd64.pyd"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert foreign_modules(tmp_path) == ["pydantic_core/core.cp311-win_amd64.pyd",
                                         "yaml/_yaml.cpython-311-darwin.so"]


def test_the_zip_is_reproducible(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "a.py").write_text("A = 1\n")
    (root / "pkg" / "__pycache__").mkdir()
    (root / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"junk")
    first = write_zip(root, tmp_path / "one.zip")
    second = write_zip(root, tmp_path / "two.zip")
    assert first.path.read_bytes() == second.path.read_bytes()
    assert zipfile.ZipFile(first.path).namelist() == ["pkg/a.py"]


def _pypi_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=3).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _pypi_reachable(), reason="needs PyPI to download the wheels")
def test_the_package_imports_the_handlers_on_linux_x86_64(tmp_path: Path) -> None:
    made = runner.invoke(app, ["lambda", "package", "-o", str(tmp_path / "fn.zip")])
    assert made.exit_code == 0, made.output
    unpacked = tmp_path / "fn"
    zipfile.ZipFile(tmp_path / "fn.zip").extractall(unpacked)
    assert foreign_modules(unpacked) == []
    # the handlers import from the zip alone (-I: no site-packages, no user paths)
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "import zonecut.aws_lambda.custom_resource, zonecut.aws_lambda.events, yaml, "
            "pydantic_core; print(zonecut.aws_lambda.custom_resource.__file__)")
    done = subprocess.run([sys.executable, "-I", "-c", code, str(unpacked)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(str(unpacked))
