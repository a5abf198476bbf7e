"""Helpers (no tests): hand-built ``actions`` tables for the propagation and status tests.

Times are written ``"HH:MM:SS[.ffffff]"`` on 2026-01-01 UTC; ``None`` as an
end means the action is still going on.
"""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.catalog.actions import action_catalog
from statcli.schema import ACTIONS, conform

_KIND = {a: k for a, k in action_catalog().select("action", "kind").unique("action").iter_rows()}


def ts(hms: str | None) -> datetime | None:
    if hms is None:
        return None
    return datetime.fromisoformat(f"2026-01-01T{hms}").replace(tzinfo=timezone.utc)


def actions(rows: list[dict]) -> pl.DataFrame:
    """Rows with ``action``, ``start`` and (durable) ``end`` as time strings.

    Defaults: ``object_type`` RegDN, ``object_id`` = ``dn``, kind from the
    catalog, momentary ``end`` = ``start``, ``action_id`` = row number.
    """
    out = []
    for i, r in enumerate(rows):
        r = dict(r)
        r.setdefault("object_type", "RegDN")
        r.setdefault("object_id", r.get("dn"))
        r.setdefault("kind", _KIND[r["action"]])
        r.setdefault("action_id", i)
        r["start"] = ts(r["start"])
        if r["kind"] == "momentary":
            r["end"] = r["start"]
        else:
            r["end"] = ts(r.get("end"))
        out.append(r)
    df = pl.DataFrame(out, infer_schema_length=None).with_columns(
        pl.col("start", "end").cast(pl.Datetime("us", "UTC")))
    df = df.with_columns(duration=pl.col("end") - pl.col("start"),
                         duration_s=pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s"))
    return conform(df, ACTIONS)
