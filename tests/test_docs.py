"""Documentation stays true: every setting and every command is documented, and docstring examples run."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

import nigehban
from nigehban.cli import app as cli_app
from nigehban.settings import Settings

REPO = Path(__file__).resolve().parents[1]


def _commands(command: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, list[str]]]:
    subcommands = getattr(command, "commands", None)
    if subcommands:
        for name, sub in subcommands.items():
            yield from _commands(sub, (*prefix, name))
    if not subcommands or getattr(command, "invoke_without_command", False):
        options = [
            option for param in command.params for option in getattr(param, "opts", []) if option.startswith("--")
        ]
        yield " ".join(prefix), options


COMMANDS = sorted(_commands(typer.main.get_command(cli_app)))


def test_every_setting_is_documented() -> None:
    text = (REPO / "docs" / "settings.md").read_text()
    for name in Settings.model_fields:
        assert f"`{name}`" in text, name
        assert f"`NIGEHBAN_{name.upper()}`" in text, name


@pytest.mark.parametrize(("command", "options"), COMMANDS, ids=[command for command, _ in COMMANDS])
def test_every_command_and_option_is_in_the_cli_reference(command: str, options: list[str]) -> None:
    reference = (REPO / "docs" / "cli.md").read_text()
    match = re.search(rf"^## `nigehban {re.escape(command)}`.*?(?=^## |\Z)", reference, flags=re.M | re.S)
    assert match, f"docs/cli.md has no section ## `nigehban {command}`"
    for option in options:
        if option != "--help":
            assert re.search(rf"{re.escape(option)}\b", match.group(0)), f"{command}: {option} is not documented"


def test_readme_gives_the_two_commands() -> None:
    readme = (REPO / "README.md").read_text()
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^make \w+", setup, flags=re.M) == ["make run", "make test"]
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, flags=re.M)


def _modules() -> list[str]:
    return sorted(
        module.name
        for module in pkgutil.walk_packages(nigehban.__path__, "nigehban.")
        if ".migrations" not in module.name and not module.name.endswith("__main__")
    )


@pytest.mark.parametrize("name", _modules())
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
