"""Names through IDNA 2008 (UTS 46 mapping) and the YAML hints, through the command line."""

from __future__ import annotations

from pathlib import Path

import idna
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli_support import SAMPLE_CONFIG, invoke, one_error_line
from zonecut import names


@pytest.mark.parametrize(("name", "why"), [
    ("😀.example.com", "'😀' (U+1F600) is not allowed in a domain name by IDNA 2008"),
    ("xn--e28h.example.com", "'xn--e28h' is not a valid IDNA 2008 A-label"),
    ("a\u200db.example.com", "Joiner U+200D not allowed"),
    ("x_ü.example.com", "'_' (U+005F) is not allowed"),
])
def test_names_idna_2008_refuses_say_why(name: str, why: str, tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(SAMPLE_CONFIG.replace(
        "name: dev.example.com", f"name: '{name}'"))
    result = invoke("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert why in result.stderr and "zonecut.yaml:8: zones[1].name" in result.stderr
    result = invoke("destroy", name, cwd=tmp_path)
    assert result.returncode == 1


@pytest.mark.parametrize(("name", "canon"), [
    ("Bücher.Example.com", "xn--bcher-kva.example.com"),
    ("faß.example.com", "xn--fa-hia.example.com"),  # IDNA 2008: ß stays (2003: "fass")
    ("ＥＸＡＭＰＬＥ.com", "example.com"),  # UTS 46 maps full-width forms
])
def test_names_uts46_mapping(name: str, canon: str) -> None:
    assert names.canonical(name) == canon


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=12))
def test_every_accepted_label_is_idna_2008(label: str) -> None:
    """A label is refused with a reason, or its A-label decodes under IDNA 2008."""
    try:
        canon = names.canonical(f"{label}.example.com")
    except names.InvalidName as exc:
        assert str(exc)
        return
    first = canon.split(".")[0]
    if first.startswith("xn--"):
        idna.decode(first)  # raises if zonecut let through what IDNA 2008 refuses


def test_unquoted_octal_account_id_says_yaml_read_octal(tmp_path: Path) -> None:
    (tmp_path / "zonecut.yaml").write_text(SAMPLE_CONFIG.replace(
        'network: {id: "111111111111"}', "network: {id: 011111111111}"))
    result = invoke("plan", cwd=tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert ("zonecut.yaml:4: accounts.network.id: account id 1227133513 is not 12 digits: "
            'YAML read 011111111111 as the octal number 1227133513; quote it '
            '("011111111111")') in " ".join(result.stderr.split())


@pytest.mark.parametrize("where", ["indent", "inline"])
def test_a_tab_gets_a_hint(where: str, tmp_path: Path) -> None:
    text = (SAMPLE_CONFIG.replace("  network:", "\tnetwork:") if where == "indent"
            else SAMPLE_CONFIG.replace("  - {name: dev", "  -\t{name: dev"))
    (tmp_path / "zonecut.yaml").write_text(text)
    result = invoke("validate", cwd=tmp_path)
    assert result.returncode == 1
    assert "a tab: YAML indents with spaces only" in " ".join(result.stderr.split())
    assert one_error_line(result).startswith("error: the config has 1 problem")
