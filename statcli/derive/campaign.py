"""Campaign actions from OCS ``campaign_events`` (statserver-model §4, seed 004).

:func:`derive_campaign_actions` returns raw action rows (``scope`` =
``campaign``) on the four campaign object types — Campaign, CampaignGroup
(``Campaign@Group``), CallingList and CampaignCallingList
(``Campaign@List``). Which object types an action applies to is read from the
catalog's ``objects`` column (§4.11), never from code.

- Statuses, dial modes, waiting / system-error actions and the Campaign
  aggregate: :mod:`statcli.derive.campaign_status` (CMP-1..7).
- CMP-8: one ``DialMade`` plus the ``Dial<Result>`` of ``call_result``
  (``call_results.csv``) per completed attempt; several reports of one attempt
  (same record and attempt number, or the same result within 120 s when an
  attempt number is missing) count once, at the earliest report. Result 0 is
  not an attempt; reserved results give ``DialMade`` only.
- CMP-9: one ``LeadProcessed`` plus ``Lead<Result>`` per chain, at the last
  finalization of the chain when no attempt of the chain follows it; the result
  is the chain's last attempt's (else the finalizing report's).
- CMP-10/11: callbacks (personal / campaign) and ``AgentError``, momentary,
  repeated reports of one record within 120 s counted once.
- CMP-13: ``RecordsScheduled`` on the Campaign from scheduling until the
  record's next attempt, finalization or reschedule (open otherwise).
- CMP-12: ``RecordsNotProcessed`` when a Campaign becomes Deactivated.

Records without a group take the group of other reports of the same record,
else the campaign's only group when it has exactly one ([rec L]).
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.actions import action_catalog
from statcli.catalog.outbound import call_results, campaign_kinds
from statcli.derive.base import DeriveContext
from statcli.derive.campaign_status import derive_campaign_statuses, records_not_processed
from statcli.schema import CAMPAIGN_EVENTS, conform

#: Reports of one attempt / record without attempt numbers closer than this count once.
SAME_REPORT_WINDOW = pl.duration(seconds=120)
_OBJECTS = ("Campaign", "CampaignGroup", "CallingList", "CampaignCallingList")


def _applicability() -> pl.DataFrame:
    cat = action_catalog().filter(pl.col("scope") == "campaign")
    return cat.select("action", object_type=pl.col("objects").str.split(";")).explode("object_type")


def _on_objects(rows: pl.DataFrame) -> pl.DataFrame:
    """Copy momentary rows (``campaign``, ``group``, ``calling_list``, ``action``) onto the objects they apply to."""
    ids = {
        "Campaign": pl.col("campaign"),
        "CampaignGroup": pl.concat_str("campaign", pl.lit("@"), "group"),
        "CallingList": pl.col("calling_list"),
        "CampaignCallingList": pl.concat_str("campaign", pl.lit("@"), "calling_list"),
    }
    rows = rows.select("campaign", "group", "calling_list", "action", "ts", "source", "line", "agent_id", "this_dn")
    app = _applicability()
    parts = []
    for o in _OBJECTS:
        allowed = app.filter(pl.col("object_type") == o)["action"].implode()
        parts.append(rows.filter(pl.col("action").is_in(allowed))
                     .with_columns(object_type=pl.lit(o), object_id=ids[o]))
    return pl.concat(parts, how="vertical_relaxed").drop_nulls("object_id")


def _record_key(ce: pl.DataFrame) -> pl.DataFrame:
    """``rkey``: the record's chain (from the row or another report with the same handle), else its handle."""
    link = (ce.drop_nulls(["campaign", "record_handle", "chain_id"])
            .select("campaign", "record_handle", _chain="chain_id", _chain_n="chain_n")
            .unique(["campaign", "record_handle"], keep="first"))
    ce = ce.join(link, on=["campaign", "record_handle"], how="left").with_columns(
        chain_id=pl.coalesce("chain_id", "_chain"), chain_n=pl.coalesce("chain_n", "_chain_n")).drop("_chain", "_chain_n")
    return ce.with_columns(rkey=pl.coalesce(
        pl.concat_str(pl.lit("c"), pl.col("chain_id").cast(pl.String)),
        pl.concat_str(pl.lit("h"), pl.col("record_handle").cast(pl.String)),
        pl.concat_str(pl.lit("r"), pl.col("_ord").cast(pl.String))))


def _fill_group(ce: pl.DataFrame) -> pl.DataFrame:
    by_record = (ce.drop_nulls(["campaign", "group"]).filter(~pl.col("rkey").str.starts_with("r"))
                 .select("campaign", "rkey", _g="group").unique(["campaign", "rkey"], keep="first"))
    only = (ce.drop_nulls(["campaign", "group"]).group_by("campaign")
            .agg(_only=pl.col("group").unique()).filter(pl.col("_only").list.len() == 1)
            .with_columns(pl.col("_only").list.first()))
    return (ce.join(by_record, on=["campaign", "rkey"], how="left").join(only, on="campaign", how="left")
            .with_columns(group=pl.coalesce("group", "_g", "_only")).drop("_g", "_only"))


def _dedup(rows: pl.DataFrame, *, by_attempt: bool) -> pl.DataFrame:
    """Drop repeated reports of one attempt / occurrence (CMP-8a), keeping the earliest.

    Rows are sorted by (campaign, record, kind, time) and compared with the
    previous row of the same group (plain shifts with a same-group mask: one
    window per record would be slow with hundreds of thousands of records).
    """
    grp = ["campaign", "rkey", "kind"]
    rows = rows.sort(*grp, "ts", "_ord").with_columns(_g=pl.struct(grp).rank("dense"))
    same = (pl.col("_g") == pl.col("_g").shift(1)).fill_null(False)

    def prev(col: str) -> pl.Expr:
        return pl.when(same).then(pl.col(col).shift(1))

    def compatible(col: str) -> pl.Expr:
        return pl.col(col).is_null() | prev(col).is_null() | (pl.col(col) == prev(col))

    near = (pl.col("ts") - prev("ts")) <= SAME_REPORT_WINDOW
    same_result = pl.col("call_result").eq_missing(prev("call_result"))
    dup = compatible("chain_n") & compatible("callback_type") & near & same_result
    if by_attempt:
        # Compare with the last attempt number reported for the record, so that a
        # report without a number between two numbered attempts cannot merge them
        # (-1 marks a group start so the fill never crosses records).
        marked = pl.when(same).then(pl.col("attempt").shift(1)).otherwise(pl.lit(-1))
        filled = marked.forward_fill()
        prev_att = pl.when(filled != -1).then(filled)
        both = pl.col("attempt").is_not_null() & prev_att.is_not_null()
        same_attempt = both & (pl.col("attempt") == prev_att) & compatible("chain_n")
        dup = same_attempt | (~both & dup)
    dup = same & dup & ~pl.col("rkey").str.starts_with("r")
    return rows.filter(~dup.fill_null(False)).drop("_g").sort("_ord")


def _dials(ce: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """CMP-8: DialMade + Dial<Result> rows, and the kept attempts (for leads and scheduling)."""
    att = _dedup(ce.filter(pl.col("kind") == "dial_completed"), by_attempt=True)
    att = att.filter(pl.col("call_result").is_null() | (pl.col("call_result") != 0))
    cr = call_results()
    att = att.with_columns(_result=pl.col("call_result").replace_strict(
        cr["call_result"], cr["dial_action"], default=None, return_dtype=pl.String))
    made = att.with_columns(action=pl.lit("DialMade"))
    result = att.drop_nulls("_result").with_columns(action=pl.col("_result"))
    return pl.concat([made, result], how="vertical_relaxed"), att


def _leads(ce: pl.DataFrame, attempts: pl.DataFrame) -> pl.DataFrame:
    """CMP-9: LeadProcessed + Lead<Result> once per finalized chain."""
    fin = ce.filter(pl.col("kind").is_in(["record_finalized", "chain_finalized"]))
    if fin.is_empty():
        return pl.DataFrame()
    last = fin.sort("ts", "_ord").group_by("campaign", "rkey", maintain_order=True).last()
    later = attempts.select("campaign", "rkey", _ats="ts")
    cont = last.join(later, on=["campaign", "rkey"], how="inner").filter(pl.col("_ats") > pl.col("ts")) \
        .select("campaign", "rkey").unique()
    last = last.join(cont, on=["campaign", "rkey"], how="anti")
    res = attempts.filter(~pl.col("rkey").str.starts_with("r")).select(
        "campaign", "rkey", _rts="ts", _res="call_result").sort("_rts")
    last = last.sort("ts").join_asof(res, left_on="ts", right_on="_rts", by=["campaign", "rkey"],
                                     strategy="backward", check_sortedness=False)
    last = last.with_columns(call_result=pl.coalesce("_res", "call_result"))
    cr = call_results()
    last = last.with_columns(_lead=pl.col("call_result").replace_strict(
        cr["call_result"], cr["lead_action"], default=None, return_dtype=pl.String))
    return pl.concat([last.with_columns(action=pl.lit("LeadProcessed")),
                      last.drop_nulls("_lead").with_columns(action=pl.col("_lead"))], how="vertical_relaxed")


def _momentary(ce: pl.DataFrame) -> pl.DataFrame:
    """CMP-10/11: callbacks and agent errors by ``campaign_kinds.csv``."""
    kinds = campaign_kinds("momentary")
    rows = ce.filter(pl.col("kind").is_in(kinds["kind"].implode()))
    rows = rows.with_columns(callback_type=pl.when(pl.col("kind").str.starts_with("callback"))
                             .then(pl.col("callback_type").fill_null("campaign")))
    rows = _dedup(rows, by_attempt=False)
    return rows.join(kinds.select("kind", "callback_type", "action"), on=["kind", "callback_type"],
                     how="inner", nulls_equal=True)


def _scheduled(ce: pl.DataFrame) -> pl.DataFrame:
    """CMP-13: RecordsScheduled (durable, Campaign) until the record's next attempt / finalization / reschedule."""
    sched = ce.filter(pl.col("kind") == "records_scheduled")
    if sched.is_empty():
        return pl.DataFrame()
    sched = _dedup(sched, by_attempt=False)
    nxt = (ce.filter(pl.col("kind").is_in(["dial_completed", "record_finalized", "chain_finalized",
                                            "records_scheduled"]))
           .select("campaign", "rkey", end="ts").sort("end"))
    sched = sched.sort("ts").join_asof(nxt, left_on="ts", right_on="end", by=["campaign", "rkey"],
                                       strategy="forward", allow_exact_matches=False, check_sortedness=False)
    sched = sched.with_columns(end=pl.when(pl.col("rkey").str.starts_with("r")).then(None).otherwise("end"))
    return sched.select("campaign", "ts", "end", "source", "line", "agent_id", "this_dn",
                        object_type=pl.lit("Campaign"), object_id="campaign", action=pl.lit("RecordsScheduled"))


def derive_campaign_actions(campaign_events: pl.DataFrame, ctx: DeriveContext) -> pl.DataFrame:
    """Campaign actions from OCS campaign events (raw rows for :func:`finalize_actions`).

    Parameters
    ----------
    campaign_events : polars.DataFrame
        The ``campaign_events`` table (:func:`statcli.read.ocs.read_ocs_log`).
    ctx : DeriveContext
        Shared derivation context (campaign actions ignore ``mode``: SSC-5).

    Returns
    -------
    polars.DataFrame
        ``object_type``, ``object_id``, ``action``, ``start``, ``end``,
        ``source``, ``line``, ``agent_id``, ``dn``, ``weight`` and ``scope``
        (``campaign``); empty when there are no campaign events.

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> from statcli.derive.base import finalize_actions
    >>> t = [datetime(2026, 1, 1, 9, m, tzinfo=timezone.utc) for m in (50, 55)]
    >>> ce = pl.DataFrame({"ts": t, "kind": ["group_loaded", "group_started"], "campaign": "Spring",
    ...                    "group": "OB", "dial_mode": [None, "Preview"]})
    >>> acts = finalize_actions([derive_campaign_actions(ce, DeriveContext())], DeriveContext())
    >>> acts.sort("object_type", "start", "action").select("object_type", "action", "duration_s").rows()[:3]
    [('Campaign', 'StatusActivated', 300), ('Campaign', 'Preview', None), ('Campaign', 'StatusRunning', None)]
    """
    if campaign_events is None or campaign_events.height == 0:
        return pl.DataFrame()
    # Only the scalar columns: the key-value lists are not carried into campaign actions.
    ce = conform(campaign_events, CAMPAIGN_EVENTS).drop("user_data", "attributes").with_row_index("_ord")
    ce = ce.with_columns(pl.col("_ord").cast(pl.Int64)).sort("ts", "_ord", nulls_last=True)
    ce = _fill_group(_record_key(ce))

    frames: list[pl.DataFrame] = []
    status_parts = derive_campaign_statuses(ce)
    if status_parts:
        *status_rows, camp_runs = status_parts
        frames += status_rows
        rnp = records_not_processed(camp_runs, ce)
        if rnp.height:
            frames.append(rnp)
    dials, attempts = _dials(ce)
    for part in (dials, _leads(ce, attempts), _momentary(ce)):
        if part.height:
            frames.append(_on_objects(part).select(
                "object_type", "object_id", "action", start="ts", source="source", line="line",
                agent_id="agent_id", dn="this_dn"))
    sched = _scheduled(ce)
    if sched.height:
        frames.append(sched.select("object_type", "object_id", "action", start="ts", end="end",
                                   source="source", line="line", agent_id="agent_id", dn="this_dn"))
    frames = [f for f in frames if f.height]
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames, how="diagonal_relaxed").with_columns(scope=pl.lit("campaign"))
