"""Interaction-related actions of regular DNs (reference §2.3, §2.4, REG-8, REG-10).

:func:`derive_calls` is the ``calls`` action family: for every regular DN and
call leg it derives the durable call actions of :mod:`statcli.derive.call_rules`
(``CallDialing``, ``CallRinging``, ``CallOnHold``, ``Call<Type>`` with its
Originated / Received variants, ``CallObserved``, ``CallConferenceOriginated``),
the momentary actions their starts emit, the retrospective actions their ends
emit, and the transfer / conference momentaries of
:mod:`statcli.derive.transfers`. Everything is vectorized: rule tables compile
to Polars ``when`` chains, runs are paired by :mod:`statcli.derive.runs`.

``ASM_Engaged`` / ``ASM_Outbound`` are not derived (they need OCS switching
evidence, reference §2.3); ``OrigDNCall*`` belong to the mediation family.
"""

from __future__ import annotations

import polars as pl

from statcli.derive import call_rules as R
from statcli.derive.base import DeriveContext
from statcli.derive.call_enrich import enrich_call_rows
from statcli.derive.call_prep import GROUP, prepare_call_events
from statcli.derive.runs import mark_runs, pair_runs, running_before, seg_ffill
from statcli.derive.transfers import transfer_rows
from statcli.schema import EVENTS, conform

# Columns of a family's start and end rows that its emitted actions need.
_START = ["dn", "ts", "conn_id", "ct", "queue", "source", "line", "kind", "this_dn_role", "had_dialing",
          "had_ringing", "_started"]
_END = ["ts", "conn_id", "ct", "queue", "source", "line", "kind", "released_by", "released_by_dn",
        "_retro", "_reason", "third_party_dn_role", "other_dn_role", "call_state"]


def _condition(rule: R.Rule) -> pl.Expr:
    cond = pl.col("kind").is_in(list(rule.kinds))
    if rule.when:
        cond = cond & pl.col(rule.when)
    if rule.rel:
        cond = cond & (pl.col("rel") == rule.rel)
    if rule.by:
        cond = cond & (pl.col("released_by") == rule.by)
    return cond.fill_null(False)


def compile_rules(rules: list[R.Rule]) -> dict[str, pl.Expr]:
    """The rule table as ``_m``, ``_retro``, ``_reason``, ``_started`` expressions.

    Examples
    --------
    >>> import polars as pl
    >>> df = pl.DataFrame({"kind": ["held", "retrieved"], "rel": [None, None], "released_by": [None, None],
    ...                    "q_held": [False, False]})
    >>> df.select(**compile_rules(R.HOLD)).rows()
    [('S', None, None, 'CallHeld'), ('E', 'CallRetrievedFromHold', 'retrieved', None)]
    """
    out = {}
    for field in ("marker", "retro", "reason", "started"):
        expr = None
        for rule in rules:
            value = pl.lit(getattr(rule, field), dtype=pl.String)
            expr = (pl.when(_condition(rule)) if expr is None else expr.when(_condition(rule))).then(value)
        name = {"marker": "_m", "retro": "_retro", "reason": "_reason", "started": "_started"}[field]
        out[name] = expr.otherwise(pl.lit(None, dtype=pl.String))
    return out


def _flags(ev: pl.DataFrame) -> pl.DataFrame:
    """Boolean guard columns the rule tables name in ``when``."""
    dialed = ev.filter(pl.col("kind") == "dialing").select("dn", pl.col("conn_id").alias("old_conn"),
                                                          _dialed_consult=pl.lit(True)).unique()
    roles = list(R.CONFERENCE_REQUESTER_ROLES)
    pointer = pl.col("this_dn_role").is_in(roles) \
        | ((pl.col("third_party_dn") == pl.col("dn")) & pl.col("third_party_dn_role").is_in(roles)) \
        | ((pl.col("other_dn") == pl.col("dn")) & pl.col("other_dn_role").is_in(roles))
    status = pl.col("address_info_status")
    return (ev.join(dialed, on=["dn", "old_conn"], how="left")
            .with_columns(
                observer=(pl.col("this_dn_role") == 10).fill_null(False),
                q_alerting=((pl.col("kind") == "calls_query") & (status == R.CALLS_QUERY_ALERTING)).fill_null(False),
                q_held=((pl.col("kind") == "calls_query") & (status == R.CALLS_QUERY_HELD)).fill_null(False),
                self_deleted=((pl.col("third_party_dn") == pl.col("dn")) | (pl.col("this_dn_role") == 8))
                .fill_null(False),
                conf_made=((pl.col("kind") == "party_added")
                           & (pointer.fill_null(False) | pl.col("_dialed_consult").fill_null(False))),
                had_dialing=_seen("dialing"), had_ringing=_seen("ringing"))
            .with_columns(not_observer=~pl.col("observer"))
            .sort("_pos"))


def _seen(kind: str) -> pl.Expr:
    """Whether the leg had an event of ``kind`` up to and including this row."""
    return seg_ffill(pl.when(pl.col("kind") == kind).then(True).otherwise(None), GROUP).fill_null(False)


def _family(ev: pl.DataFrame, rules: list[R.Rule]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Marked rows and start/end pairs of one family."""
    marked = mark_runs(ev.with_columns(**compile_rules(rules)), GROUP)
    return marked, pair_runs(marked, GROUP, _START, _END)


def _type_name(col: str) -> pl.Expr:
    return pl.col(col).replace_strict(R.CALL_TYPE_NAMES, default="Unknown", return_dtype=pl.String)


def _fill_type(name: pl.Expr | str) -> pl.Expr:
    if isinstance(name, str):       # a literal cannot take a per-row replacement: split it instead
        head, sep, tail = name.partition("{type}")
        return pl.lit(head) + pl.col("_type") + pl.lit(tail) if sep else pl.lit(name)
    return name.str.replace("{type}", pl.col("_type"), literal=True)


def _emit(pairs: pl.DataFrame, durable: str) -> list[pl.DataFrame]:
    """Durable, retrospective and momentary rows of one family's pairs."""
    if not pairs.height:
        return []
    p = pairs.with_columns(_type=_type_name("s_ct"),
                           _known=(pl.col("s_kind") != "calls_query").fill_null(True))
    common = dict(dn=pl.col("s_dn"), call_type=pl.coalesce("s_ct", "e_ct"),
                  this_queue=pl.coalesce("e_queue", "s_queue"), start_known=pl.col("_known"))
    end_info = dict(end_reason=pl.col("e__reason"), released_by=pl.col("e_released_by"),
                    released_by_dn=pl.col("e_released_by_dn"))
    conn = pl.coalesce("e_conn_id", "s_conn_id")
    if durable == "Call{type}":     # CALL-9: the call-type action of the *old* ConnID ends
        conn = pl.when(pl.col("e_kind") == "party_changed").then(pl.col("s_conn_id")).otherwise(conn)
    dur = p.select(**common, **end_info, conn_id=conn, action=_fill_type(durable),
                   start=pl.col("s_ts"), end=pl.col("e_ts"), source=pl.col("s_source"), line=pl.col("s_line"))
    retro = p.filter(pl.col("e__retro").is_not_null()).select(
        **common, **end_info, conn_id=conn, action=_fill_type(pl.col("e__retro")),
        start=pl.col("s_ts"), end=pl.col("e_ts"), source=pl.col("e_source"), line=pl.col("e_line"))
    started = p.filter(pl.col("s__started").is_not_null()).select(
        **common, conn_id=pl.col("s_conn_id"), action=_fill_type(pl.col("s__started")),
        start=pl.col("s_ts"), end=pl.col("s_ts"), source=pl.col("s_source"), line=pl.col("s_line"))
    out = [dur, retro, started]
    if durable == "Call{type}":
        # CALL-4: Originated if this DN dialed the call, Received if it was the destination.
        origin = (pl.when(pl.col("s_had_dialing") | (pl.col("s_this_dn_role") == 1)).then(pl.lit("Originated"))
                  .when(pl.col("s_had_ringing") | (pl.col("s_this_dn_role") == 2)).then(pl.lit("Received")))
        directional = p.with_columns(_dir=origin.fill_null(pl.lit(None, pl.String))).filter(
            pl.col("_type").is_in(R.DIRECTIONAL_TYPES) & pl.col("_dir").is_not_null())
        out.append(directional.select(**common, **end_info, conn_id=conn,
                                      action=pl.lit("Call") + pl.col("_type") + pl.col("_dir"),
                                      start=pl.col("s_ts"), end=pl.col("e_ts"),
                                      source=pl.col("s_source"), line=pl.col("s_line")))
    return out


def _ringing_party_changed(marked: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """CALL-2 (d): a party change while ringing re-keys the ringing and reports it so far."""
    hits = marked.filter((pl.col("kind") == "party_changed") & pl.col("_before"))
    return (hits.join(pairs.select(GROUP, "_inst", "s_ts"), on=[GROUP, "_inst"], how="inner")
            .select("dn", "conn_id", action=pl.lit("CallRingingPartyChanged"), start=pl.col("s_ts"),
                    end=pl.col("ts"), call_type=pl.col("ct"), this_queue=pl.col("queue"),
                    end_reason=pl.lit("party_changed"), source=pl.col("source"), line=pl.col("line"),
                    start_known=pl.lit(True)))


def _running_before(ev: pl.DataFrame, rules: list[R.Rule], name: str) -> pl.DataFrame:
    """Whether the family of ``rules`` is running just before each event row, as ``name``."""
    return ev.with_columns(running_before(compile_rules(rules)["_m"], GROUP).alias(name))


def derive_calls(events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Interaction-related actions of every regular DN, as raw action rows.

    Parameters
    ----------
    events : polars.DataFrame
        The ``events`` table (:data:`statcli.schema.EVENTS`).
    ctx : DeriveContext
        ``dn_types`` decides which DNs are regular (default ``Extension``).

    Returns
    -------
    polars.DataFrame
        Raw rows for :func:`statcli.derive.base.finalize_actions`: ``scope``
        ``regular_dn``, ``object_type`` ``RegDN``, ``object_id`` = ``dn``,
        ``dn_type``, ``conn_id``, ``action``, ``start``, ``end`` (null while
        open), ``call_type``, ``agent_id``, ``this_queue``, ``end_reason``,
        ``released_by``, ``released_by_dn``, ``user_data``, ``source``,
        ``line``, ``start_known``.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.schema import EVENTS, conform
    >>> t = lambda s: datetime(2026, 1, 1, 10, 0, s, tzinfo=timezone.utc)
    >>> ev = conform(pl.DataFrame({"ts": [t(0), t(6)], "event": ["EventRinging", "EventEstablished"],
    ...     "this_dn": ["7001", "7001"], "conn_id": ["c1", "c1"], "call_type": [2, 2]}), EVENTS)
    >>> sorted(derive_calls(ev, DeriveContext())["action"].to_list())
    ['CallAnswered', 'CallInbound', 'CallInboundStarted', 'CallRinging', 'CallRingingStarted']
    """
    if any(c not in events.columns for c in EVENTS.columns):
        events = conform(events, EVENTS, keep_extra=True)
    ev = prepare_call_events(events, ctx)
    if not ev.height:
        return enrich_call_rows(pl.DataFrame(schema=_row_schema()), events, ctx)
    ev = _flags(ev)
    ring_marked, ring_pairs = _family(ev, R.RINGING)
    _, dial_pairs = _family(ev, R.DIALING)
    ev = _running_before(ev, R.RINGING, "ringing_before")
    ev = _running_before(ev, R.DIALING, "dialing_before")
    ev = ev.with_columns(not_alerting=~(pl.col("ringing_before") | pl.col("dialing_before")))
    frames = [*_emit(ring_pairs, "CallRinging"), *_emit(dial_pairs, "CallDialing"),
              _ringing_party_changed(ring_marked, ring_pairs)]
    call_pairs = None
    for family in ("hold", "call_type", "observed", "conference"):
        durable, rules = R.FAMILIES[family]
        _, pairs = _family(ev, rules)
        frames += _emit(pairs, durable)
        if family == "call_type":
            call_pairs = pairs
    frames.append(transfer_rows(ev, call_pairs))
    rows = pl.concat([_conform_rows(f) for f in frames])
    return enrich_call_rows(rows, events, ctx)


def _row_schema() -> dict[str, pl.DataType]:
    ts = pl.Datetime("us", "UTC")
    return {"dn": pl.String, "conn_id": pl.String, "action": pl.String, "start": ts, "end": ts,
            "call_type": pl.Int8, "this_queue": pl.String, "end_reason": pl.String, "released_by": pl.String,
            "released_by_dn": pl.String, "source": pl.String, "line": pl.Int64, "start_known": pl.Boolean}


def _conform_rows(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.select([(pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
                         for c, t in _row_schema().items()])
