"""docs/scenario-keys.md is generated from models/scenario.py and kept current."""

from __future__ import annotations

from pathlib import Path

from optimizer.data.keys_doc import scenario_key_docs, scenario_keys_markdown
from optimizer.data.read import scenario_keys

DOC = Path(__file__).resolve().parents[1] / "docs" / "scenario-keys.md"


def test_the_doc_is_what_the_code_generates() -> None:
    assert DOC.read_text(encoding="utf-8") == scenario_keys_markdown(), (
        "docs/scenario-keys.md is out of date: run "
        "`python -m optimizer.data.keys_doc > docs/scenario-keys.md`"
    )


def test_every_key_has_a_description_and_a_unit() -> None:
    docs = scenario_key_docs()
    assert [d.key for d in docs] == list(scenario_keys())  # every settable key, no other
    for d in docs:
        assert d.description, f"{d.key} has no description in models/scenario.py"
        assert d.unit, f"{d.key} has no unit (json_schema_extra={{'unit': ...}})"


def test_required_keys_and_defaults_read_as_toml() -> None:
    by_key = {d.key: d for d in scenario_key_docs()}
    assert by_key["quota.total"].default == "required"
    assert by_key["linkage.scope"].default == '"region"'
    assert by_key["tiers.shares"].default == "[0.5, 0.3, 0.2]"
    assert by_key["quota.total"].unit == "ha"
    assert "| `quota.total` | `required` | ha |" in DOC.read_text(encoding="utf-8")
