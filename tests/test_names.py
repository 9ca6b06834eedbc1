"""zonecut.names: normalisation corner cases found by the config property tests."""

from __future__ import annotations

import pytest

from zonecut import names


@pytest.mark.parametrize(("raw", "canon"), [
    ("Example.COM.", "example.com"),
    (" example.com ", "example.com"),
    ("\\052.example.com", "*.example.com"),
    ("bücher.example", "xn--bcher-kva.example"),
    ("example.com\u3002", "example.com"),
    ("a.com\\040", "a.com"),
    # Two trailing dots are an empty label: they stay, so problems() can report it.
    ("example.com..", "example.com.."),
    ("example.com\\056.", "example.com.."),
    # A literal backslash stays written as Route 53 writes it, so decoding is stable.
    ("a\\b.com", "a\\134b.com"),
    ("\\134052a.com", "\\134052a.com"),
    # Not an octal escape: left alone (used to raise ValueError).
    ("\\999.com", "\\134999.com"),
])
def test_normalize(raw: str, canon: str) -> None:
    assert names.normalize(raw) == canon
    assert names.normalize(canon) == canon


def test_decode_route53_ignores_non_octal_digits() -> None:
    assert names.decode_route53("\\052.\\999") == "*.\\999"


def test_name_without_a_stable_form_is_invalid() -> None:
    # A full-width backslash becomes '\' under IDNA and would start a new escape.
    with pytest.raises(names.InvalidName):
        names.normalize("\uff3c052a.com")
    assert names.problems("\uff3c052a.com")


def test_double_trailing_dot_is_a_problem() -> None:
    assert names.problems("example.com..") == [
        "the name has an empty label (two dots in a row, or a leading dot)"]


def test_iam_normalized_escapes_a_backslash_once() -> None:
    assert names.iam_normalized("a\\b.com") == "a\\134b.com"
    assert names.iam_normalized("\\052.Example.com.") == "\\052.example.com"
