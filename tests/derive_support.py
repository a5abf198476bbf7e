"""Helpers for the agent-state / registration / CLI tests: hand-built events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import polars as pl

from statcli.schema import EVENTS, conform

T0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=timezone.utc)


def at(seconds: float) -> datetime:
    """T0 + seconds."""
    return T0 + timedelta(seconds=seconds)


def kv(**pairs) -> list[dict]:
    """A key-value list (Extensions, UserData) from keyword pairs."""
    return [{"key": k, "value": str(v)} for k, v in pairs.items()]


def events(*rows: dict, server: str = "TS") -> pl.DataFrame:
    """An ``events`` table from dicts with ``t`` (seconds after T0) and event attributes."""
    recs = []
    for i, row in enumerate(rows, 1):
        rec = {"server": server, "source": "test.log", "line": i * 10}
        rec.update(row)
        rec["ts"] = at(rec.pop("t"))
        recs.append(rec)
    cols = sorted({k for r in recs for k in r})
    data = {c: [r.get(c) for r in recs] for c in cols}
    schema = {c: EVENTS.columns[c] for c in cols if c in EVENTS.columns}
    return conform(pl.DataFrame(data, schema_overrides=schema, strict=False), EVENTS)


def rows_of(actions: pl.DataFrame, *names: str, dn: str | None = None) -> pl.DataFrame:
    """Rows of the named actions (optionally on one DN), in time order; originals only (no propagated copies)."""
    out = actions.filter(pl.col("action").is_in(names) & pl.col("origin_id").is_null())
    if dn is not None:
        out = out.filter(pl.col("dn") == dn)
    return out.sort("start", "action", maintain_order=True)


def secs(ts: datetime | None) -> float | None:
    """Seconds after T0 (None stays None)."""
    return None if ts is None else (ts - T0).total_seconds()


def spans(actions: pl.DataFrame, *names: str, dn: str | None = None) -> list[tuple]:
    """(action, start s, end s, end_reason) of the named actions, time-ordered."""
    df = rows_of(actions, *names, dn=dn)
    return [(a, secs(s), secs(e), r) for a, s, e, r in df.select("action", "start", "end", "end_reason").rows()]
