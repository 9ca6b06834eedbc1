"""Every command and flag the README shows exists, and the command list is complete."""

from __future__ import annotations

import re
import shlex

import typer.main

from cli_support import README
from zonecut.cli.main import app


def command_tree() -> object:
    return typer.main.get_command(app)


def options_of(command: object) -> set[str]:
    names: set[str] = {"--help"}
    for param in getattr(command, "params", ()):
        names.update(getattr(param, "opts", ()))
        names.update(getattr(param, "secondary_opts", ()))
    return names


def shown_commands(text: str) -> list[list[str]]:
    """`zonecut ...` invocations in the README: code blocks and inline code."""
    found: list[list[str]] = []
    snippets = re.findall(r"```[a-z]*\n(.*?)```", text, re.S) + re.findall(r"`([^`\n]+)`",
                                                                           text)
    for snippet in snippets:
        for line in snippet.splitlines():
            line = line.split("#", 1)[0]
            for match in re.finditer(r"(?:^|[\s/])zonecut((?:\s+[^\s|;&)]+)*)", line):
                try:
                    words = shlex.split(match.group(1))
                except ValueError:
                    words = match.group(1).split()
                found.append(words)
    return found


def resolve(root: object, words: list[str]) -> tuple[object, list[str], list[str]]:
    """(the command, the path to it, the words after it)."""
    command, path = root, []
    rest = list(words)
    while rest and rest[0] in getattr(command, "commands", {}):
        command = command.commands[rest[0]]  # type: ignore[attr-defined]
        path.append(rest.pop(0))
    return command, path, rest


def test_every_readme_command_and_flag_exists() -> None:
    root = command_tree()
    shown = shown_commands(README.read_text())
    assert len(shown) > 20
    checked = 0
    for words in shown:
        if not words or (not re.match(r"^[a-z-]+$", words[0]) and not words[0].startswith("-")):
            continue
        command, path, rest = resolve(root, words)
        if not path and words[0] not in ("--help", "--version", "--debug"):
            # `zonecut sandbox up|down|...` lists sub-commands with |
            head = words[0].split("|")[0]
            assert head in root.commands, f"README shows `zonecut {' '.join(words)}`"  # type: ignore[attr-defined]
            continue
        if path and path[0] == "sandbox" and rest and "|" in rest[0]:
            for name in rest[0].split("|"):
                assert name in command.commands, name  # type: ignore[attr-defined]
            continue
        allowed = options_of(command) | options_of(root)
        for word in rest:
            flag = word.split("=", 1)[0]
            if flag.startswith("--") or re.fullmatch(r"-[a-zA-Z]", flag):
                assert flag in allowed, f"README: `zonecut {' '.join(words)}`: no {flag}"
        checked += 1
    assert checked > 10


def test_the_readme_lists_every_command() -> None:
    root = command_tree()
    block = README.read_text().split("## What it does", 1)[1].split("```", 2)[1]
    listed = {line.split()[1] for line in block.splitlines() if line.startswith("zonecut ")}
    assert listed == set(root.commands), set(root.commands) ^ listed  # type: ignore[attr-defined]
    sandbox = next(line for line in block.splitlines() if line.startswith("zonecut sandbox"))
    assert set(sandbox.split()[2].split("|")) == set(
        root.commands["sandbox"].commands)  # type: ignore[attr-defined]
