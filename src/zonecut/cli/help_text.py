"""Help that reads cleanly: no ``<bool>`` after a plain flag, ``[ZONE]...`` for arguments.

typer (0.2x) prints a type after every option, flags included, and names list arguments
``zones... <list[str]>``; zonecut's commands are tidied once, when the app is built."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from typer.core import TyperArgument, TyperOption


def _no_type(ctx: Any) -> str | None:
    return None


def _fixed(text: str) -> Callable[[], str]:
    def usage_name() -> str:
        return text
    return usage_name


def _argument_metavar(param: TyperArgument) -> str:
    name = (param.name or "value").upper()
    if param.nargs != 1 and name.endswith("S"):
        name = name[:-1]  # zones -> ZONE...
    if param.nargs != 1:
        return f"{name}..." if param.required else f"[{name}]..."
    return name if param.required else f"[{name}]"


def _flag_help_option(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def get_help_option(ctx: Any) -> Any:
        option = original(ctx)
        if option is not None:
            option.metavar = ""
        return option
    return get_help_option


def tidy(command: Any) -> None:
    """Clean metavars of ``command`` and of every command below it (in place)."""
    for param in getattr(command, "params", ()):
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
        elif isinstance(param, TyperArgument) and param.metavar is None:
            param.metavar = _argument_metavar(param)
            setattr(param, "display_type_rich", _no_type)  # noqa: B010
            shown = param.metavar
            # typer's usage line would add its own brackets: {ZONE...}..., [[ZONE]...]...
            setattr(param, "_usage_display_name", _fixed(shown))  # noqa: B010
    if not getattr(command, "_zonecut_tidy", False):
        command.get_help_option = _flag_help_option(command.get_help_option)
        command._zonecut_tidy = True
    for sub in getattr(command, "commands", {}).values():
        tidy(sub)
