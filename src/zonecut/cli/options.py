"""What every command shares: exit codes, the consoles, the one error boundary, the
common options and how they resolve to a config, a target and DNS roots.

Every command runs inside :class:`ZonecutGroup`. Whatever a user can cause (a config
problem, a missing profile, no credentials, a bad or unreachable endpoint, a refused
call, a typo in a flag) ends in a message on one line and a documented exit code; a
traceback is shown only with ``--debug`` (or ``ZONECUT_DEBUG=1``). Text from users and
from AWS is printed as text: both consoles have rich markup off.
"""
from __future__ import annotations

import os
import shlex
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from zonecut.apply.certificates import DnsView
from zonecut.aws.errors import translate
from zonecut.config.document import Config
from zonecut.config.errors import ConfigError
from zonecut.config.loader import load_config
from zonecut.errors import ZonecutError
from zonecut.runtime import Target
from zonecut.verify import ROOT_SERVERS, RootHintsError, ServerAddress, load_root_hints

try:  # typer vendors click in its recent releases (typer._click); earlier ones use click
    from typer._click.exceptions import ClickException, UsageError
except ImportError:  # pragma: no cover (the lock has a typer that vendors click)
    from click.exceptions import (  # type: ignore[assignment]
        ClickException,
        UsageError,
    )

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_CHANGES = 2
EXIT_FINDINGS = 3
EXIT_USAGE = 64
EXIT_INTERRUPTED = 130

EXIT_CODES = (
    (EXIT_OK, "success (plan: no changes; verify, audit: no error finding)"),
    (EXIT_ERROR, "an error: config, credentials, AWS, DNS setup; nothing half-changed"),
    (EXIT_CHANGES, "changes pending (plan --exit-code only)"),
    (EXIT_FINDINGS, "findings of severity error (verify, audit)"),
    (EXIT_USAGE, "usage error: no command, an unknown command or flag, a bad flag value (sysexits "
     "EX_USAGE)"),
    (EXIT_INTERRUPTED, "interrupted (Ctrl-C); run the same command again"),
)
"""The same for every command. 64 (not click's 2) for usage errors so that a typo in CI
is never read as `plan --exit-code`'s "changes pending"; findings get their own code so
that "the check ran and found problems" is told apart from "the check could not run"."""

EXIT_CODES_HELP = "Exit codes: " + "; ".join(f"{code} {text}" for code, text in EXIT_CODES)

out = Console(markup=False, highlight=False)
err = Console(stderr=True, soft_wrap=True, markup=False, highlight=False)

_debug = False


def set_debug(value: bool) -> None:
    global _debug
    _debug = value or os.environ.get("ZONECUT_DEBUG", "") not in ("", "0")


def debugging() -> bool:
    return _debug or os.environ.get("ZONECUT_DEBUG", "") not in ("", "0")


def labelled(label: str, style: str, message: str) -> Text:
    """``label`` in ``style``, then ``message`` as plain text (never markup)."""
    return Text.assemble((label, style), " ", message)


def error_line(message: str) -> None:
    err.print(labelled("error:", "bold red", message))


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    error_line(message)
    raise typer.Exit(code)


def usage_error(message: str) -> NoReturn:
    """A bad flag value found after parsing: a usage error (exit 64)."""
    fail(message, EXIT_USAGE)


def show_config_error(exc: ConfigError) -> None:
    error_line(f"the config has {len(exc.problems)} problem(s):")
    for problem in exc.problems:
        err.print(f"  {problem}")


def render(exc: BaseException) -> int | None:
    """Print ``exc`` as a user error and return the exit code, or None if it is not one."""
    if isinstance(exc, ConfigError):
        show_config_error(exc)
        return EXIT_ERROR
    if isinstance(exc, ZonecutError):
        error_line(str(exc))
        return exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        error_line("interrupted; run the same command again to finish (zonecut is "
                   "idempotent)")
        return EXIT_INTERRUPTED
    found = translate(exc, endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)
    if found is not None:
        error_line(str(found))
        return EXIT_ERROR
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if exc.filename else ""
        error_line(f"{where}{exc.strerror or exc}")
        return EXIT_ERROR
    return None


class ZonecutGroup(TyperGroup):
    """The top-level command: usage errors exit 64, user errors end in one line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from zonecut.cli.help_text import tidy

        tidy(self)

    def make_context(self, info_name: str | None, args: list[str],
                     parent: Any = None, **extra: Any) -> Any:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as exc:
            exc.exit_code = EXIT_USAGE
            raise

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            exc.exit_code = EXIT_USAGE
            raise
        except (ClickException, typer.Exit, typer.Abort):
            raise
        except (Exception, KeyboardInterrupt) as exc:
            if debugging():
                raise
            code = render(exc)
            if code is None:
                error_line(f"internal error: {type(exc).__name__}: {exc}. This is a bug in "
                           "zonecut; run again with --debug for the traceback and report it")
                code = EXIT_ERROR
            raise typer.Exit(code) from None


def positive(value: float | None) -> float | None:
    """A typer callback: the value must be above zero (a usage error, exit 64, if not)."""
    if value is not None and not value > 0:
        raise typer.BadParameter(f"{value:g} is not above zero")
    return value


T = TypeVar("T")


class Output(StrEnum):
    table = "table"
    json = "json"


ConfigOpt = Annotated[Path, typer.Option("--config", "-c", help="The zonecut config file.",
                                         envvar="ZONECUT_CONFIG")]
EndpointOpt = Annotated[str | None, typer.Option(
    "--endpoint-url", help="Send AWS calls to this endpoint (also AWS_ENDPOINT_URL).")]
SandboxOpt = Annotated[bool, typer.Option(
    "--sandbox", help="Use the sandbox started by `zonecut sandbox up` (no real AWS).")]
StateDirOpt = Annotated[Path, typer.Option("--state-dir", help="Where the sandbox keeps its "
                                           "state file.", envvar="ZONECUT_STATE_DIR")]
OutputOpt = Annotated[Output, typer.Option("--output", "-o", help="table for people, json "
                                           "for machines.")]

DEFAULT_CONFIG = Path("zonecut.yaml")
DEFAULT_STATE = Path(".zonecut")


def guarded(action: Callable[[], T]) -> T:
    """Run ``action``; turn user errors into a message and exit 1 (no traceback).
    (The same as the boundary in ZonecutGroup does for a whole command; kept
    for the places that must stop at once, before anything else is printed.)"""
    if debugging():
        return action()
    try:
        return action()
    except ConfigError as exc:
        show_config_error(exc)
        raise typer.Exit(EXIT_ERROR) from None
    except ZonecutError as exc:
        fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to finish (zonecut is idempotent)",
             EXIT_INTERRUPTED)


def read_config(path: Path) -> Config:
    return guarded(lambda: load_config(path))


def resolve_target(endpoint_url: str | None, sandbox: bool, state_dir: Path) -> Target:
    if sandbox:
        from zonecut.sandbox.process import status as sandbox_status  # the sandbox extra

        info = sandbox_status(state_dir)
        if info is None:
            fail(f"no sandbox is running (state dir {state_dir}); start one with "
                 "`zonecut sandbox up`")
        return Target(endpoint_url=info.endpoint_url, sandbox=True)
    if endpoint_url:
        check_endpoint(endpoint_url, "--endpoint-url", EXIT_USAGE)
        return Target(endpoint_url=endpoint_url)
    url = os.environ.get("AWS_ENDPOINT_URL") or None
    if url is not None:
        check_endpoint(url, "AWS_ENDPOINT_URL", EXIT_ERROR)
    return Target(endpoint_url=url)


def check_endpoint(url: str, source: str, code: int) -> None:
    """Refuse an endpoint that is no http(s) URL before any AWS client sees it."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError as exc:
        fail(f"{source} {url!r} is not a URL ({exc}); give one like http://127.0.0.1:5000",
             code)
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in url:
        fail(f"{source} {url!r} is not an http(s) URL with a host; give one like "
             "http://127.0.0.1:5000", code)


def account_keys(config: Config) -> dict[str, str]:
    return {account.id: key for key, account in config.accounts.items()}


PruneOpt = Annotated[bool, typer.Option(
    "--prune", help="Also tear down delegated zones the config no longer declares "
    "(needs --allow-delete to apply).")]
AllowDeleteOpt = Annotated[bool, typer.Option(
    "--allow-delete", help="Permit deleting delegations and hosted zones.")]
YesOpt = Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")]


def rerun_flags(config: Path, endpoint_url: str | None, sandbox: bool, state_dir: Path
                ) -> str:
    """The flags that point another command at the same config and target, for hints
    that work when pasted."""
    flags = f" -c {shlex.quote(str(config))}"
    if sandbox:
        flags += " --sandbox"
        if state_dir != DEFAULT_STATE:
            flags += f" --state-dir {shlex.quote(str(state_dir))}"
    elif endpoint_url:
        flags += f" --endpoint-url {shlex.quote(endpoint_url)}"
    return flags


def write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


def dns_roots(root_hints: Path | None, sandbox: bool, state_dir: Path, *,
              required: bool = True) -> tuple[list[ServerAddress], dict[str, int]]:
    """Where DNS walks start, and the ports of servers off port 53: a root hints file,
    the running sandbox's root (its live server map), or the real root servers.
    With ``required``, a missing sandbox is an error; otherwise the real root is used."""
    if root_hints is not None:
        try:
            return list(load_root_hints(root_hints)), {}
        except (RootHintsError, OSError) as exc:
            fail(f"{root_hints}: {exc}")
    if sandbox:
        from zonecut.sandbox.control import SandboxClient
        from zonecut.sandbox.process import status as sandbox_status

        info = sandbox_status(state_dir)
        if info is None and required:
            fail("no sandbox is running; start one with `zonecut sandbox up`")
        if info is not None:
            info = SandboxClient(info).refresh()  # TLD servers appear as zones register
            return ([ServerAddress(h.name, h.address, h.port) for h in info.root_hints],
                    {s.address: s.port for s in info.servers.values()})
    return list(ROOT_SERVERS), {}


def dns_view(sandbox: bool, state_dir: Path) -> DnsView:
    """Where apply's DNS checks (certificate validation) start."""
    roots, port_map = dns_roots(None, sandbox, state_dir, required=False)
    return DnsView(tuple(roots), port_map or None)
