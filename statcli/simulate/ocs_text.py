"""Render the campaign as an Outbound Contact Server log (log-formats §7, §9).

Lines written (stamps mix T5 ``Fri Jan 16 08:00:00 2026.123`` on ``Trc`` lines
and T1 on the others, as real OCS logs do):

- CM commands ``OCMClient[9]::message received`` with ``GSW_CM_…`` attribute lines
  (load, start with a dial mode, set dialing mode, stop, unload);
- life-cycle lines ``Trc 5200n Campaign Group <campaign@group> has been …`` and a
  ``CampaignGroup(<dbid>) (<name>): CampGrMsg: …`` dump naming the DBIDs;
- calling-list retrieval (``CM_DBCallList(...) … SQL: sp…``, ``SP return value (ReadyCount):n``);
- per attempt ``Trc 50080 Predictive call (record id = n)`` (non-preview groups), the
  ``PA Outbound Call Info`` block, the desktop's EventUserEvent as a client-side dump
  (``received from … message EventUserEvent``) followed by its ``Trc 50002`` / ``OCSEvent``
  summary, and the record write-back ``CM_DBCallRecord(...) … SQL: update … set
  call_result=…,record_type=…,record_status=…,attempt=… where chain_id=… and chain_n=1``;
- OCS's own notifications to desktops as ``request to … message RequestDistributeUserEvent``;
- missed campaign callbacks (record_status 8) when a group stops.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.simulate.ocs_model import CALLING_LIST, CAMPAIGN_DBID, LIST_DBID
from statcli.simulate.tserver_text import ITEM_SCHEMA, event_text, local_clock, with_clock

MS = 1_000
S = 1_000_000
CM_TYPES = {"ReqLoadCampaign": 7, "ReqUnloadCampaign": 8, "ReqStartDialing": 10, "ReqStopDialing": 11,
            "ReqSetDialingMode": 12}
MODE_LOG = {1: "Predict", 2: "Progress", 3: "Preview"}
TSERVER = "65200(SIP_P)"


def _t1(cfg) -> pl.Expr:
    clock, ms, _ = local_clock(pl.col("t"), cfg)
    return clock + pl.lit(".") + ms


def _t5(cfg) -> pl.Expr:
    _, ms, _ = local_clock(pl.col("t"), cfg)
    return pl.from_epoch(pl.col("t") + cfg.offset_us, time_unit="us").dt.strftime("%a %b %d %H:%M:%S %Y") \
        + pl.lit(".") + ms


def _items(df: pl.DataFrame, text: pl.Expr, kind: str, sub: int = 0) -> pl.DataFrame:
    return df.select(pl.col("t").cast(pl.Int64), seq=pl.lit(-1, pl.Int64), sub=pl.lit(sub, pl.Int8),
                     kind=pl.lit(kind), text=text)


def _lifecycle(cfg, groups: pl.DataFrame) -> list[pl.DataFrame]:
    rows = []
    for g in groups.iter_rows(named=True):  # two groups: a handful of lines each
        name, dbid = g["name"], g["group_dbid"]
        steps = [(g["loaded"], "ReqLoadCampaign", None, "loaded", 52000),
                 (g["started"], "ReqStartDialing", g["mode"], "started", 52001),
                 (g["mode_change"], "ReqSetDialingMode", g["new_mode"], None, None),
                 (g["stopped"], "ReqStopDialing", None, "stopped", 52002),
                 (g["unloaded"], "ReqUnloadCampaign", None, "unloaded", 52004)]
        for j, (t, req, mode, verb, msg) in enumerate(steps):
            if t is None:
                continue
            rows.append({"t": t - 40 * MS, "kind": "cm", "req": req, "mode": mode, "verb": None, "msg": None,
                         "name": name, "dbid": dbid, "ref": 10 + j + 10 * dbid % 7, "group": g["group"]})
            if verb:
                rows.append({"t": t, "kind": "life", "req": None, "mode": None, "verb": verb, "msg": msg,
                             "name": name, "dbid": dbid, "ref": None, "group": g["group"]})
            if verb == "loaded":
                rows.append({"t": t + MS, "kind": "dump", "req": None, "mode": None, "verb": None, "msg": None,
                             "name": name, "dbid": dbid, "ref": None, "group": g["group"]})
    df = pl.DataFrame(rows, schema={"t": pl.Int64, "kind": pl.String, "req": pl.String, "mode": pl.Int64,
                                    "verb": pl.String, "msg": pl.Int64, "name": pl.String, "dbid": pl.Int64,
                                    "ref": pl.Int64, "group": pl.String})
    pad = lambda label: pl.lit(f"\n{label:<32}")  # noqa: E731
    cm = df.filter(pl.col("kind") == "cm")
    cm_text = pl.concat_str([
        _t1(cfg), pl.lit(" OCMClient[9]::message received"),
        pad("GSW_CM_MessageType"), pl.col("req").replace_strict(CM_TYPES).cast(pl.String),
        pl.lit(" [GSW_CM_"), pl.col("req"), pl.lit("]"),
        pad("GSW_CM_AttrReferenceID"), pl.col("ref").cast(pl.String),
        pad("GSW_CM_AttrCampaignID"), pl.lit(str(CAMPAIGN_DBID)),
        pad("GSW_CM_AttrGroupID"), pl.col("dbid").cast(pl.String),
        pl.when(pl.col("mode").is_not_null()).then(
            pad("GSW_CM_AttrDialMode") + pl.col("mode").cast(pl.String) + pl.lit(" [")
            + pl.col("mode").replace_strict(MODE_LOG, default="NoDialMode") + pl.lit("]")),
    ], ignore_nulls=True)
    life = df.filter(pl.col("kind") == "life")
    life_text = _t5(cfg) + pl.lit(" Trc ") + pl.col("msg").cast(pl.String) + pl.lit(" Campaign Group ") \
        + pl.col("name") + pl.lit(" has been ") + pl.col("verb")
    dump = df.filter(pl.col("kind") == "dump")
    dump_text = pl.concat_str([
        _t1(cfg), pl.lit(" CampaignGroup("), pl.col("dbid").cast(pl.String), pl.lit(") ("), pl.col("name"),
        pl.lit("): CampGrMsg: OCS version: 8.1.500.18;  WorkTime: 0;\n\tGroupDBID: "), pl.col("dbid").cast(pl.String),
        pl.lit("; GroupName: "), pl.col("group"), pl.lit(f";\n\tCampaignDBID: {CAMPAIGN_DBID}; CampaignName: "),
        pl.col("name").str.split("@").list.first(), pl.lit(";")])
    return [_items(cm, cm_text, "cm"), _items(life, life_text, "life"), _items(dump, dump_text, "dump")]


def _prefix(dbid: pl.Expr, kind: str) -> pl.Expr:
    return pl.lit(f"CM_DB{kind}({LIST_DBID}-{CAMPAIGN_DBID}-") + dbid.cast(pl.String) \
        + pl.lit(f"): DBServer 'DBServer_OCS for {CALLING_LIST} ({LIST_DBID})' ")


def _retrievals(cfg, groups: pl.DataFrame) -> list[pl.DataFrame]:
    """A record retrieval every five minutes while a group runs."""
    rows = []
    for g in groups.iter_rows(named=True):
        ts = np.arange(g["started"] + 2 * S, g["stopped"], 300 * S, dtype=np.int64)
        rows.append(pl.DataFrame({"t": ts, "dbid": np.full(len(ts), g["group_dbid"], np.int64)}))
    df = pl.concat(rows).with_row_index("n").with_columns(req=877_000 + pl.col("n").cast(pl.Int64) * 3)
    ctime = ((pl.col("t") // S) % 86400).cast(pl.String)
    sp = pl.concat_str([
        _t1(cfg), pl.lit(" "), _prefix(pl.col("dbid"), "CallList"),
        pl.lit(f"SQL: sp{LIST_DBID}{CAMPAIGN_DBID}"), pl.col("dbid").cast(pl.String),
        pl.lit(f" @CampID = '{CAMPAIGN_DBID}', @GroupID = '"), pl.col("dbid").cast(pl.String),
        pl.lit(f"', @ListID = '{LIST_DBID}', @RecType = 2, @NumRec = 6, @CTime = '"), ctime,
        pl.lit("', @TTime = '"), (pl.col("t") // S + 100).cast(pl.String), pl.lit("', @SPResult = @out [ReqID="),
        pl.col("req").cast(pl.String), pl.lit("]\n"),
        _t1(cfg), pl.lit(" "), _prefix(pl.col("dbid"), "CallList"), pl.lit("MSG_RETRIEVED(DBM_SUCCESS) [ReqID="),
        pl.col("req").cast(pl.String), pl.lit("]\n"),
        _t1(cfg), pl.lit(f" CM_DBCallList({LIST_DBID}-{CAMPAIGN_DBID}-"), pl.col("dbid").cast(pl.String),
        pl.lit("): SP return value (ReadyCount):"), (400 - pl.col("n") * 3).clip(0).cast(pl.String)])
    return [_items(df.with_columns(pl.col("t") + 5 * MS), sp, "db")]


def _attempt_lines(cfg, camp: pl.DataFrame) -> list[pl.DataFrame]:
    a = camp.filter(pl.col("kind") == "attempt")
    dbid = pl.col("group_dbid")
    predictive = a.filter(dbid == 201).with_columns(t=pl.col("dialed") - 2 * S)
    pred_text = _t5(cfg) + pl.lit(" Trc 50080 Predictive call (record id = ") + pl.col("handle").cast(pl.String) + pl.lit(")")
    pa = a.with_columns(t=pl.col("released") + 200 * MS)
    pa_text = pl.concat_str([
        _t1(cfg), pl.lit(" PA Outbound Call Info:\n\tOwnerDBID: "), dbid.cast(pl.String), pl.lit("; OriginDBID: "),
        dbid.cast(pl.String), pl.lit("; RecHandle: "), pl.col("handle").cast(pl.String),
        pl.lit(";\n\tCurrentStatType: AgentBusy; State: "),
        pl.when(pl.col("result") == 33).then(pl.lit("OutCallSuccess")).otherwise(pl.lit("OutCallFailed")),
        pl.lit("; CPDCompletedFlag: 1; CompletedFlag: 1; CallResult: "), pl.col("result").cast(pl.String),
        pl.lit("; ")])
    upd = a.with_columns(t=pl.col("reported") + 100 * MS)
    status = pl.when(pl.col("final")).then(pl.lit(3)).otherwise(pl.lit(1))
    sched = pl.when(~pl.col("final")).then(pl.lit(",dial_sched_time=") + (pl.col("t") // S + 3600).cast(pl.String))
    upd_text = pl.concat_str([
        _t1(cfg), pl.lit(" "), _prefix(dbid, "CallRecord"),
        pl.lit(f"SQL:  update {CALLING_LIST} set call_result="), pl.col("result").cast(pl.String),
        pl.lit(",agent_id='"), pl.col("agent_id"), pl.lit("',call_time="), (pl.col("released") // S).cast(pl.String),
        pl.lit(",record_type="), pl.col("record_type").cast(pl.String), pl.lit(",record_status="),
        status.cast(pl.String), sched, pl.lit(",attempt=1,switch_id=1  where chain_id="),
        pl.col("chain").cast(pl.String), pl.lit(" and chain_n=1 [ReqID="), (95_000 + pl.col("handle")).cast(pl.String),
        pl.lit("]")], ignore_nulls=True)
    missed = a.filter(pl.col("callback") == "Campaign").with_columns(t=pl.col("stopped") - S)
    missed_text = pl.concat_str([
        _t1(cfg), pl.lit(" "), _prefix(dbid, "CallRecord"),
        pl.lit(f"SQL:  update {CALLING_LIST} set record_type=6,record_status=8,switch_id=1  where chain_id="), pl.col("chain").cast(pl.String),
        pl.lit(" and chain_n=1 [ReqID="), (96_000 + pl.col("handle")).cast(pl.String), pl.lit("]")])
    return [_items(predictive, pred_text, "trc"), _items(pa, pa_text, "pa"), _items(upd, upd_text, "db", 2),
            _items(missed, missed_text, "db")]


def _tlib(frames, cfg) -> list[pl.DataFrame]:
    """Client-side T-Library traffic: OCS's notifications and the desktops' reports."""
    ev = frames.events.filter(pl.col("event") == "EventUserEvent")
    from statcli.simulate.flows import hex16

    ev = with_clock(ev, cfg).with_columns(seq_hex=hex16(ev["seq"].to_numpy().astype("uint64")))
    block = event_text(cfg)
    attrs = block.str.replace(r"^[^\n]*", "")
    sent = ev.filter(pl.col("gsw_user_event").is_not_null())
    req_attrs = attrs.str.replace_all(r"\n\tAttribute(?:EventSequenceNumber|TimeinuSecs|TimeinSecs|UserEvent)\t[^\n]*", "")
    sent_text = pl.lit(f"request to {TSERVER} message RequestDistributeUserEvent") + req_attrs
    got = ev.filter(pl.col("gsw_req").is_not_null())
    dn = pl.col("this_dn")
    got_text = pl.concat_str([
        pl.lit(f"received from {TSERVER}sipsrv01.example.com:5001(fd=12) message EventUserEvent"), attrs,
        pl.lit("\n"), _t5(cfg), pl.lit(" Trc 50002 TEvent: EventUserEvent\n"), _t1(cfg),
        pl.lit(" OCSEvent[-1927"), (pl.col("seq") % 1_000_000 + 1_000_000).cast(pl.String),
        pl.lit("]::EventUserEvent("), pl.col("gsw_req"), pl.lit(")\n\tTServer[523`SIP_P]\n\tDN["),
        (dn.str.slice(-3).cast(pl.Int64, strict=False).fill_null(0) + 45000).cast(pl.String), pl.lit("`"), dn,
        pl.lit("]Extension\n\tAgent["),
        (dn.str.slice(-3).cast(pl.Int64, strict=False).fill_null(0) + 49000).cast(pl.String),
        pl.lit("`P"), dn, pl.lit("]")])
    # OCS logs its request just before T-Server distributes it, and the report just after.
    return [_items(sent.with_columns(pl.col("t") - 2 * MS), sent_text, "tlib"),
            _items(got.with_columns(pl.col("t") + 4 * MS), got_text, "tlib", 1)]


def ocs_items(frames, cfg) -> pl.DataFrame:
    """All items of the OCS log, sorted."""
    camp = frames.campaign
    groups = camp.filter(pl.col("kind") == "group")
    start = pl.DataFrame({"t": [cfg.t0_us + 100 * MS]})
    parts = [_items(start, _t1(cfg) + pl.lit(" Std 05060 Application started"), "std")]
    parts += _lifecycle(cfg, groups) + _retrievals(cfg, groups) + _attempt_lines(cfg, camp) + _tlib(frames, cfg)
    items = pl.concat([p.select(list(ITEM_SCHEMA)) for p in parts], how="vertical_relaxed")
    return items.with_row_index("n").sort("t", "sub", "n").drop("n")
