"""`registrar: route53`: only on a root zone, only the one value zonecut can drive."""

from __future__ import annotations

from zonecut.config import load_config_text
from zonecut.config.tree import build_tree

from .support import HEADER, one_problem


def test_a_root_may_name_route53_as_its_registrar() -> None:
    text = HEADER.replace("    root: true\n", "    root: true\n    registrar: route53\n")
    zones = {z.name: z for z in build_tree(load_config_text(text, "zonecut.yaml"))}
    assert zones["example.com"].registrar == "route53"


def test_unset_is_none() -> None:
    zones = build_tree(load_config_text(HEADER, "zonecut.yaml"))
    assert [z.registrar for z in zones] == [None]


def test_a_zone_with_a_parent_has_no_registrar_and_the_line_says_so() -> None:
    problem = one_problem(HEADER + "  - name: dev.example.com\n    account: dev\n"
                          "    registrar: route53\n")
    assert problem.line == 11 and problem.path == "zones[1].registrar", str(problem)
    assert "dev.example.com has a parent (example.com)" in problem.message
    assert "only a root zone has a registrar" in problem.message


def test_another_registrar_is_refused_at_its_line() -> None:
    problem = one_problem(HEADER.replace("    root: true\n",
                                         "    root: true\n    registrar: gandi\n"))
    assert problem.line == 9 and "route53" in problem.message, str(problem)
