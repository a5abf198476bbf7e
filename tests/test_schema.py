import polars as pl
import pytest

from statcli.schema import ACTIONS, EVENTS, SCHEMAS, SchemaError, conform, markdown_table, validate


def test_conform_adds_missing_and_casts():
    df = conform(pl.DataFrame({"line": [1], "event": ["EventRinging"], "junk": [1]}), EVENTS)
    assert df.columns == list(EVENTS.columns)
    assert df.schema["line"] == pl.Int64
    assert df["this_dn"].null_count() == 1


def test_validate_rejects_retyped_and_missing_columns():
    with pytest.raises(SchemaError, match="missing column 'action_id'"):
        validate(ACTIONS.empty().drop("action_id"), ACTIONS)
    with pytest.raises(SchemaError, match="'duration_s' is Int32"):
        validate(ACTIONS.empty().with_columns(pl.col("duration_s").cast(pl.Int32)), ACTIONS)


def test_required_columns_follow_design_md():
    for schema in SCHEMAS.values():
        assert set(schema.required) <= set(schema.columns)
        assert all(name in schema.doc for name in schema.columns)
    assert "| `ts` |" in markdown_table(EVENTS)
