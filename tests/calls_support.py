"""Builders shared by the tests of the regular-DN call family (tests/test_derive_calls*.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl

from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.calls import derive_calls
from statcli.schema import EVENTS, conform

BASE = datetime(2026, 1, 1, 10, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    """10:00:00 UTC plus ``seconds``."""
    return BASE + timedelta(seconds=seconds)


def events(*rows: dict) -> pl.DataFrame:
    """An events frame from row dicts (``t`` = seconds after 10:00:00); line = row number."""
    data = []
    for i, row in enumerate(rows, start=1):
        row = dict(row)
        row["ts"] = at(row.pop("t"))
        row.setdefault("source", "calls.log")
        row.setdefault("line", i)
        data.append(row)
    return conform(pl.DataFrame(data, infer_schema_length=None), EVENTS)


def derive(ev: pl.DataFrame, mode: str = "regular", **types: str) -> pl.DataFrame:
    """Finalized regular-DN call actions of ``ev`` (DN types as keyword args, e.g. q7000='ACDQueue')."""
    ctx = DeriveContext(mode=mode, dn_types={k.lstrip("q"): v for k, v in types.items()})
    return finalize_actions([derive_calls(ev, ctx)], ctx)


def names(actions: pl.DataFrame) -> list[str]:
    """Sorted action names."""
    return sorted(actions["action"].to_list())


def one(actions: pl.DataFrame, action: str) -> dict:
    """The single row of ``action`` as a dict (fails when there are 0 or several)."""
    rows = actions.filter(pl.col("action") == action)
    assert rows.height == 1, f"{action}: {rows.height} rows in {names(actions)}"
    return rows.row(0, named=True)
