"""The error boundary and the exit-code table, through the real `zonecut` entry point.

Ordinary mistakes (a profile that does not exist, no credentials, an endpoint that is no
URL, is not listening or is not AWS, a typo in a flag) end in one line naming the
profile or URL and what to do, a documented exit code, and no traceback. User text is
printed as text, never parsed as rich markup."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli_support import README, SAMPLE_CONFIG, clean_env, invoke, one_error_line, zonecut

CONFIG = SAMPLE_CONFIG


class NotAws(BaseHTTPRequestHandler):
    """An HTTP server that is not AWS: every request gets a web page."""

    def do_POST(self) -> None:
        body = b"<html><body><h1>It works</h1><p>Not an API</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *_: object) -> None:
        pass


@pytest.fixture(scope="module")
def not_aws() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), NotAws)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    (tmp_path / "zonecut.yaml").write_text(CONFIG)
    return tmp_path


def test_a_missing_profile_names_the_profile_and_the_account(workdir: Path) -> None:
    result = zonecut("plan", cwd=workdir, env=clean_env(AWS_PROFILE="nope"))
    assert result.returncode == 1
    line = one_error_line(result)
    assert "AWS profile 'nope' is not in your AWS config files" in line
    assert "account 111111111111" in line and "--sandbox" in line


def test_an_endpoint_that_is_no_url(workdir: Path) -> None:
    result = invoke("tree", "--endpoint-url", "not-a-url", cwd=workdir,
                    env=clean_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x"))
    assert result.returncode == 64  # a bad flag value
    assert "--endpoint-url 'not-a-url' is not an http(s) URL" in one_error_line(result)
    result = invoke("tree", cwd=workdir, env=clean_env(
        AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_ENDPOINT_URL="http://[::1"))
    assert result.returncode == 1
    assert "AWS_ENDPOINT_URL 'http://[::1' is not a URL" in one_error_line(result)


def test_an_endpoint_that_is_not_aws(workdir: Path, not_aws: str) -> None:
    result = invoke("plan", cwd=workdir, env=clean_env(
        AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x", AWS_ENDPOINT_URL=not_aws))
    assert result.returncode == 1
    line = one_error_line(result)
    assert f"{not_aws} did not answer like AWS" in line and "account 111111111111" in line


def test_an_endpoint_that_does_not_listen(workdir: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        result = invoke("plan", "--endpoint-url", f"http://127.0.0.1:{port}", cwd=workdir,
                         env=clean_env(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x"))
    assert result.returncode == 1
    assert f"cannot connect to http://127.0.0.1:{port}" in one_error_line(result)


def test_no_credentials_with_an_endpoint_says_any_key_pair_will_do(workdir: Path,
                                                                    not_aws: str) -> None:
    result = invoke("plan", "--endpoint-url", not_aws, cwd=workdir)
    assert result.returncode == 1
    line = one_error_line(result)
    assert "no AWS credentials found" in line and "AWS_ACCESS_KEY_ID=x" in line
    assert "cannot reach STS" not in line


def test_debug_shows_the_traceback(workdir: Path) -> None:
    result = zonecut("--debug", "plan", cwd=workdir, env=clean_env(AWS_PROFILE="nope"))
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "AwsError" in result.stderr


@pytest.mark.parametrize("args", [
    ["plan", "--sandbx"], ["plan", "-o", "xml"], ["nope"], ["--bogus"],
    ["verify", "--timeout", "zero"], ["destroy"],
])
def test_usage_errors_exit_64_never_2(args: list[str], tmp_path: Path) -> None:
    result = invoke(*args, cwd=tmp_path)
    if args == ["plan", "--sandbx"]:  # once through the installed script too
        assert zonecut(*args, cwd=tmp_path).returncode == 64
    assert result.returncode == 64, result.stderr
    assert "Traceback" not in result.stderr


def test_plan_exit_code_2_is_changes_pending_only(workdir: Path) -> None:
    """2 is never a usage error, and a config error is 1 even with --exit-code."""
    (workdir / "bad.yaml").write_text(CONFIG.replace("dev.example.com", "dev..example.com"))
    result = invoke("plan", "-c", "bad.yaml", "--exit-code", cwd=workdir)
    assert result.returncode == 1


def test_help_documents_the_exit_codes(tmp_path: Path) -> None:
    result = invoke("--help", cwd=tmp_path)
    assert result.returncode == 0
    text = " ".join(result.stdout.split())
    for code in ("0 success", "1 an error", "2 changes pending", "3 findings",
                 "64 usage error", "130 interrupted"):
        assert code in text
    readme = README.read_text()
    for row in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 64 |", "| 130 |"):
        assert row in readme


def test_version(tmp_path: Path) -> None:
    from zonecut import __version__

    for args in (["--version"], ["version"]):
        result = invoke(*args, cwd=tmp_path)
        assert result.returncode == 0 and result.stdout.strip() == f"zonecut {__version__}"


@pytest.mark.parametrize("name", ["[/bold]x.example.com", "[bold]x[/bold].example.com",
                                  "[red]evil.example.com"])
def test_names_with_markup_are_printed_as_written(name: str, tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(CONFIG.replace("name: dev.example.com",
                                                         f"name: '{name}'"))
    result = invoke("validate", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"'{name}'" in result.stderr
    result = invoke("destroy", name, "--allow-delete", "--yes", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr


def test_a_bracketed_name_in_an_argument_is_printed_as_written(workdir: Path) -> None:
    result = invoke("verify", "[b]x..example.com", cwd=workdir)
    assert result.returncode == 1
    assert "'[b]x..example.com'" in one_error_line(result)


def readme_config() -> str:
    text = README.read_text()
    start = text.index("## The config")
    block = text[text.index("```yaml\n", start) + len("```yaml\n"):]
    return block[:block.index("```")]


@pytest.fixture(scope="module")
def background_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from zonecut.sandbox.process import down, up

    state = tmp_path_factory.mktemp("sandbox-state")
    up(state)
    yield state
    down(state)


def test_the_readme_config_plans_in_the_sandbox_whatever_the_profiles(
        background_sandbox: Path, tmp_path: Path) -> None:
    """`profile: dev-admin` and AWS_PROFILE=nope: with --sandbox no profile is read."""
    config = readme_config()
    assert "profile: dev-admin" in config
    (tmp_path / "zonecut.yaml").write_text(config)
    result = zonecut("plan", "--sandbox", "--state-dir", str(background_sandbox),
                     "--exit-code", cwd=tmp_path, env=clean_env(AWS_PROFILE="nope"))
    assert "Traceback" not in result.stderr
    assert result.returncode == 2, result.stderr
    assert "account 222222222222 (dev)" in result.stdout
    assert "+ create hosted zone dev.example.com" in result.stdout


COMMANDS = [
    ["plan"], ["plan", "--prune"], ["apply", "--yes"], ["tree"], ["verify"],
    ["destroy", "dev.example.com", "--allow-delete", "--yes"], ["audit", "-c", "zonecut.yaml"],
    ["audit", "--accounts", "111111111111"],
]
ENDPOINTS = ["not-a-url", "http://", "ftp://example.com", "http://[::1", "127.0.0.1:5000",
             "http://exa mple.com", "NOT_AWS", "REFUSED"]


@given(command=st.sampled_from(COMMANDS),
       profile=st.sampled_from([None, "nope", "dev-admin", "[bold]x"]),
       keys=st.booleans(),
       endpoint=st.one_of(st.none(), st.sampled_from(ENDPOINTS)),
       via_env=st.booleans())
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_no_environment_makes_a_command_end_in_a_traceback(
        command: list[str], profile: str | None, keys: bool, endpoint: str | None,
        via_env: bool, workdir: Path, not_aws: str, refused_url: str) -> None:
    extra: dict[str, str] = {}
    if profile is not None:
        extra["AWS_PROFILE"] = profile
    if keys:
        extra.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="x")
    args = list(command)
    if endpoint is not None:
        url = {"NOT_AWS": not_aws, "REFUSED": refused_url}.get(endpoint, endpoint)
        if via_env:
            extra["AWS_ENDPOINT_URL"] = url
        else:
            args += ["--endpoint-url", url]
    result = invoke(*args, cwd=workdir, env=clean_env(**extra))
    assert "Traceback" not in result.stdout + result.stderr
    assert "internal error" not in result.stderr, result.stderr
    assert result.returncode in (1, 3, 64), (args, extra, result.stderr)
    if result.returncode in (1, 64):
        one_error_line(result)


@pytest.fixture(scope="module")
def refused_url() -> Iterator[str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound, never listening: connections are refused
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
