"""Invariants of the regular-DN call family on random event sequences (TIME-2/3/4, OBS-3, REL-1, §1.2)."""

from __future__ import annotations

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls_support import derive, events
from statcli.schema import ACTIONS, validate

CALL_EVENTS = ["EventDialing", "EventRinging", "EventEstablished", "EventHeld", "EventRetrieved",
               "EventReleased", "EventAbandoned", "EventDiverted", "EventPartyChanged", "EventPartyAdded",
               "EventPartyDeleted"]
# Retrospective actions that report a durable action which goes on (CALL-2 (d)).
NOT_AN_END = {"CallRingingPartyChanged"}


def _event(draw_tuple):
    t, event, dn, conn, other, call_type, state, party, role = draw_tuple
    row = dict(t=t, event=event, this_dn=dn, conn_id=conn, call_type=call_type, call_state=state,
               releasing_party=party, this_dn_role=role)
    if event == "EventPartyChanged":
        row["previous_conn_id"] = other
    return row


event_rows = st.lists(
    st.tuples(st.floats(0, 120, allow_nan=False).map(lambda x: round(x, 2)), st.sampled_from(CALL_EVENTS),
              st.sampled_from(["7001", "7002"]), st.sampled_from(["c1", "c2"]), st.sampled_from(["c1", "c2"]),
              st.sampled_from([None, 0, 1, 2, 3, 4]), st.sampled_from([None, 0, 1, 2, 22]),
              st.sampled_from([None, "local", "remote", "unknown"]), st.sampled_from([None, 1, 2, 3, 9, 10])),
    min_size=1, max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_rows)
def test_invariants_on_random_sequences(rows):
    rows = sorted(rows, key=lambda r: r[0])
    act = derive(events(*[_event(r) for r in rows]))
    validate(act, ACTIONS)                                     # every name is in the catalog (finalize checks)
    durable = act.filter(pl.col("kind") == "durable")
    # TIME-4: an interval never runs backwards; open ones have no duration
    assert durable.filter(pl.col("end") < pl.col("start")).height == 0
    assert durable.filter(pl.col("end").is_null() & pl.col("duration").is_not_null()).height == 0
    # §1.2: every retrospective action reports a durable action of the same DN that ended there
    retro = act.filter((pl.col("kind") == "retrospective") & ~pl.col("action").is_in(list(NOT_AN_END)))
    reported = retro.join(durable, on=["dn", "start", "end"], how="anti")
    assert reported.height == 0, reported.select("action", "dn", "start", "end").rows()
    # REL-1: a retrospective action carries the released_by of the durable action it reports
    paired = retro.join(durable, on=["dn", "conn_id", "start", "end"], suffix="_d")
    assert paired.filter(pl.col("released_by").fill_null("-") != pl.col("released_by_d").fill_null("-")).height == 0
    # one instance at a time per (DN, action, ConnID): no overlapping intervals
    ordered = durable.sort("dn", "action", "conn_id", "start")
    prev_end = pl.col("end").shift(1).over("dn", "action", "conn_id")
    assert ordered.filter(prev_end.is_not_null() & (pl.col("start") < prev_end)).height == 0
    # each *Started momentary has its durable action starting at the same instant (the durable row
    # names the ConnID it ended with: a party change re-keys ringing and dialing, CALL-2 (d))
    started = act.filter(pl.col("action").str.ends_with("Started")).with_columns(
        base=pl.col("action").str.strip_suffix("Started"))
    missing = started.join(durable, left_on=["dn", "base", "start"], right_on=["dn", "action", "start"],
                           how="anti")
    assert missing.height == 0
