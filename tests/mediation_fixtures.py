"""Hand-built events and regular-DN rows for the mediation-family tests."""

from __future__ import annotations

from datetime import datetime, timezone

import polars as pl

from statcli.derive.base import DeriveContext, finalize_actions
from statcli.derive.mediation import derive_mediation
from statcli.schema import EVENTS, conform

DAY = (2026, 1, 16)


def t(hms: str) -> datetime:
    """'10:05:00.250' on the fixture day, UTC."""
    hh, mm, ss = hms.split(":")
    sec, _, frac = ss.partition(".")
    us = int((frac + "000000")[:6]) if frac else 0
    return datetime(*DAY, int(hh), int(mm), int(sec), us, tzinfo=timezone.utc)


def events(*rows: dict) -> pl.DataFrame:
    """Events from dicts with a ``ts`` given as 'HH:MM:SS.fff' (log order = argument order)."""
    recs = []
    for i, r in enumerate(rows):
        rec = {"source": "fixture.log", "line": i + 1, "server": "TS"} | dict(r)
        rec["ts"] = t(rec["ts"])
        recs.append(rec)
    keys = sorted({k for r in recs for k in r})
    return conform(pl.DataFrame([{k: r.get(k) for k in keys} for r in recs], infer_schema_length=None), EVENTS)


def regular(*rows: dict) -> pl.DataFrame:
    """Raw regular-DN rows as the other families return them (times as 'HH:MM:SS.fff')."""
    recs = []
    for r in rows:
        rec = {"object_type": "RegDN", "scope": "regular_dn", "start": None, "end": None, "conn_id": None,
               "agent_id": None, "released_by": None, "end_reason": None, "source": "fixture.log", "line": 0}
        rec |= dict(r)
        rec["object_id"] = rec["dn"]
        for k in ("start", "end"):
            rec[k] = t(rec[k]) if rec[k] else None
        recs.append(rec)
    schema = {"start": pl.Datetime("us", "UTC"), "end": pl.Datetime("us", "UTC")}
    return pl.DataFrame(recs, schema_overrides=schema, infer_schema_length=None)


def derive(ev: pl.DataFrame, dn_types: dict, reg: pl.DataFrame | None = None, *, mode="regular",
           objects=None) -> pl.DataFrame:
    """Derive and finalize the mediation family only."""
    ctx = DeriveContext(dn_types=dn_types, mode=mode, objects=objects)
    return finalize_actions([derive_mediation(ev, ctx, reg)], ctx)


def rows(actions: pl.DataFrame, *cols: str, **where) -> list[tuple]:
    """Selected columns of the rows matching ``where``, sorted."""
    df = actions
    for k, v in where.items():
        df = df.filter(pl.col(k) == v)
    return sorted(df.select(cols).rows(), key=lambda r: tuple("" if x is None else str(x) for x in r))


# --- worked example A (statserver-model.md §7.1), agent side as the other families derive it
EXAMPLE_A_EVENTS = [
    dict(ts="10:00:00.000", event="EventAgentLogin", this_dn="7001", agent_id="a1001", this_queue="7000",
         work_mode=0),
    dict(ts="10:00:05.000", event="EventAgentReady", this_dn="7001", agent_id="a1001"),
    dict(ts="10:05:00.250", event="EventQueued", this_dn="7000", conn_id="c1", call_type=2, ani="5551234",
         dnis="8005550100"),
    dict(ts="10:05:12.400", event="EventDiverted", this_dn="7000", conn_id="c1", third_party_dn="7001"),
    dict(ts="10:05:12.450", event="EventRinging", this_dn="7001", conn_id="c1", this_queue="7000", call_type=2),
    dict(ts="10:05:18.700", event="EventEstablished", this_dn="7001", conn_id="c1", call_type=2),
    dict(ts="10:08:00.000", event="EventHeld", this_dn="7001", conn_id="c1"),
    dict(ts="10:09:00.000", event="EventRetrieved", this_dn="7001", conn_id="c1"),
    dict(ts="10:12:18.900", event="EventReleased", this_dn="7001", conn_id="c1", releasing_party="remote"),
    dict(ts="10:12:18.950", event="EventCallDeleted", conn_id="c1", ctrl_party="5551234"),
    dict(ts="10:12:19.000", event="EventAgentNotReady", this_dn="7001", work_mode=3),
    dict(ts="10:14:19.000", event="EventAgentReady", this_dn="7001"),
]
EXAMPLE_A_REGULAR = [
    dict(action="LoggedIn", dn="7001", start="10:00:00", agent_id="a1001"),
    dict(action="NotReadyForNextCall", dn="7001", start="10:00:00", end="10:00:05"),
    dict(action="WaitForNextCall", dn="7001", start="10:00:05", end="10:12:19"),
    dict(action="CallRinging", dn="7001", conn_id="c1", start="10:05:12.450", end="10:05:18.700",
         end_reason="answered"),
    dict(action="CallRingingStarted", dn="7001", conn_id="c1", start="10:05:12.450"),
    dict(action="CallAnswered", dn="7001", conn_id="c1", start="10:05:12.450", end="10:05:18.700"),
    dict(action="CallInbound", dn="7001", conn_id="c1", start="10:05:18.700", end="10:12:18.900",
         released_by="remote", end_reason="released"),
    dict(action="CallInboundStarted", dn="7001", conn_id="c1", start="10:05:18.700"),
    dict(action="CallOnHold", dn="7001", conn_id="c1", start="10:08:00", end="10:09:00"),
    dict(action="CallInboundCompleted", dn="7001", conn_id="c1", start="10:05:18.700", end="10:12:18.900",
         released_by="remote"),
    dict(action="AfterCallWork", dn="7001", conn_id="c1", start="10:12:19", end="10:14:19", end_reason="ready"),
    dict(action="WaitForNextCall", dn="7001", start="10:14:19"),
]
EXAMPLE_A_TYPES = {"7000": "ACDQueue", "7001": "Extension"}
