"""The command line's one error boundary: exit codes, consoles, and how errors are shown.

Every command runs inside :class:`ZonecutGroup`. Whatever a user can cause (a config
problem, a missing profile, no credentials, a bad or unreachable endpoint, a refused
call, a typo in a flag) ends in a message on one line and a documented exit code; a
traceback is shown only with ``--debug`` (or ``ZONECUT_DEBUG=1``). Text from users and
from AWS is printed as text: both consoles have rich markup off.
"""

from __future__ import annotations

import os
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.text import Text
from typer.core import TyperGroup

from zonecut.aws.errors import translate
from zonecut.config.errors import ConfigError
from zonecut.errors import ZonecutError

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
