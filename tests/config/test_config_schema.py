"""The JSON Schema export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import yaml

from zonecut.config import json_schema

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "org.yaml"


def test_schema_header() -> None:
    schema = json_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "zonecut configuration"
    assert schema["description"]
    assert set(schema["required"]) == {"version", "accounts", "zones"}
    jsonschema.Draft202012Validator.check_schema(schema)


def _objects(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema["$defs"].values()]


def test_every_field_has_a_description_and_unknown_keys_are_refused() -> None:
    for definition in _objects(json_schema()):
        assert definition["additionalProperties"] is False, definition["title"]
        for name, field in definition["properties"].items():
            assert field.get("description"), f"{definition['title']}.{name}"


def test_example_validates() -> None:
    document = yaml.safe_load(EXAMPLE.read_text())
    jsonschema.Draft202012Validator(json_schema()).validate(document)


def test_schema_refuses_unknown_keys_and_bad_ids() -> None:
    validator = jsonschema.Draft202012Validator(json_schema())
    document = yaml.safe_load(EXAMPLE.read_text())
    document["zones"][0]["tgas"] = {}
    document["accounts"]["dev"]["id"] = "2222"
    messages = sorted(error.message for error in validator.iter_errors(document))
    assert any("tgas" in message for message in messages)
    assert any("2222" in message for message in messages)
