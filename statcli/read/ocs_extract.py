"""OCS records → ``campaign_events`` rows (log-formats §9.3–§9.9).

Input is the classified line frame of :mod:`statcli.read.ocs_lines` (one row per
line with ``rec``, ``head_class``, ``body``, ``log_time``). Each extractor picks
the records of one class and turns them into rows with the campaign_events
columns it knows, all with Polars expressions:

- :func:`lifecycle_events` — ``Trc 5200x Campaign Group <c@g> has been …``;
- :func:`record_update_events` — ``CM_DBCallRecord … update … set call_result=…``
  write-backs: dial completed, record finalized, agent error, callbacks,
  records scheduled;
- :func:`ready_count_events` — ``S[PR] return value (ReadyCount):n``;
- :func:`cm_events` — ``OCMClient[…]::message received`` CM blocks;
- :func:`tevent_campaign_events` — client-side dumps with ``GSW_`` keys:
  desktop requests (received EventUserEvent), OCS notifications (sent
  RequestDistributeUserEvent) and ``GSW_STAT_EVENT``;
- :func:`dbid_names` — DBID → name maps learnt anywhere in the log, used to
  name CM and DB-line rows that only carry DBIDs.
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.outbound import (campaign_triggers, dial_mode_names, gsw_stat_events,
                                      record_statuses)
from statcli.schema import ATTR_LIST, KV_LIST

_KEEP = ["source", "line", "log_time"]


def _heads(df: pl.DataFrame, cls: str) -> pl.DataFrame:
    return df.filter(pl.col("is_head") & (pl.col("head_class") == cls))


def split_group_name(name: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Campaign and group of a ``<campaign>@<group>`` name, split at the last ``@`` (§9.3).

    A name without ``@`` is taken as the campaign alone.

    Examples
    --------
    >>> import polars as pl
    >>> c, g = split_group_name(pl.col("n"))
    >>> pl.DataFrame({"n": ["A@B@Grp", "Solo"]}).select(c, g).rows()
    [('A@B', 'Grp'), ('Solo', None)]
    """
    campaign = pl.coalesce(name.str.extract(r"^(.*)@[^@]*$"), name).alias("campaign")
    group = name.str.extract(r"@([^@]*)$").alias("group")
    return campaign, group


def _dial_mode(raw: pl.Expr) -> pl.Expr:
    """Normalise a dial-mode spelling (number, config / log name, desktop string) to its action."""
    names = dial_mode_names()
    key = pl.coalesce(raw.str.extract(r"\[(?:CFGDM)?(\w+)\]"), raw.str.extract(r"^\s*(\d+)\b"),
                      raw.str.strip_chars().str.strip_chars("'\""))
    return key.replace_strict(names["spelling"], names["action"], default=None)


def lifecycle_events(df: pl.DataFrame) -> pl.DataFrame:
    """Campaign-group life-cycle lines (Trc 52000–52004) → group_loaded / started / stopped / unloaded.

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.read.ocs_lines import stamp_columns, anchor_log_time, group_records
    >>> lines = pl.DataFrame({"source": "o", "line": [1], "text":
    ...     ["14:20:55.847 Trc 52000 Campaign Group SIPProgressive@VAG_English has been loaded"]})
    >>> df = group_records(anchor_log_time(stamp_columns(lines), "2026-01-01"))
    >>> lifecycle_events(df).select("kind", "campaign", "group").row(0)
    ('group_loaded', 'SIPProgressive', 'VAG_English')
    """
    trig = campaign_triggers("lifecycle")
    g = pl.col("body").str.extract_groups(
        r"^Trc 5200\d Campaign Group (?P<name>.+) has been (?P<what>loaded|started|stopped|force unloaded|unloaded)\s*$")
    heads = _heads(df, "lifecycle").with_columns(_g=g)
    name = pl.col("_g").struct.field("name")
    what = pl.col("_g").struct.field("what")
    campaign, group = split_group_name(name)
    return heads.select(
        *_KEEP, kind=what.replace_strict(trig["value"], trig["kind"]), campaign=campaign, group=group,
        evidence=pl.lit("lifecycle"),
        attributes=pl.concat_list(pl.struct(name=pl.lit("transition"), value=what)).cast(ATTR_LIST),
    )


def _sql_field(clause: str, field: str, quoted: bool = False) -> pl.Expr:
    if quoted:
        return pl.col(clause).str.extract(rf"(?:^|,|\s){field}\s*=\s*'([^']*)'")
    return pl.col(clause).str.extract(rf"(?:^|,|\s){field}\s*=\s*'?(-?\d+)'?").cast(pl.Int64)


def record_update_events(df: pl.DataFrame) -> pl.DataFrame:
    """Calling-list write-backs (``CM_DBCallRecord … SQL: update … set … where …``, §9.5).

    One line may report several occurrences, each a row:

    - ``dial_completed`` when it sets a ``call_result`` other than 0 and an ``attempt`` ≥ 1;
    - the kind of its ``record_status`` (``record_statuses.csv``): ``record_finalized``
      (3 Updated, 5 Cancelled, 7 Chain Updated), ``agent_error`` (6),
      ``callback_missed`` (8);
    - ``callback_completed`` when a callback record (type 5/6) is finalized;
    - ``callback_scheduled`` when a record becomes type 5 (personal) / 6 (campaign) and Ready;
    - ``records_scheduled`` when a record is set Ready with a ``dial_sched_time``.

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.read.ocs_lines import stamp_columns, anchor_log_time, group_records
    >>> t = ("13:00:00.000 CM_DBCallRecord(104-103-115): DBServer 'DB for CL_A (852)' SQL: update T set "
    ...      "call_result=9,agent_id='',call_time=1506013366,record_type=2,record_status=3,attempt=1  "
    ...      "where chain_id=103 and chain_n=2 [ReqID=95186]")
    >>> df = group_records(anchor_log_time(stamp_columns(pl.DataFrame(
    ...     {"source": "o", "line": [1], "text": [t]})), "2026-01-01"))
    >>> record_update_events(df).select("kind", "call_result", "chain_id", "calling_list").rows()
    [('dial_completed', 9, 103, 'CL_A'), ('record_finalized', 9, 103, 'CL_A')]
    """
    g = pl.col("body").str.extract_groups(
        r"^CM_DBCallRecord\((?P<l>\d+)-(?P<c>\d+)-(?P<g>\d+)\): DBServer '(?P<db>.*?) for (?P<list>.+?) \(\d+\)' "
        r"SQL:\s*update (?P<table>\S+) set (?P<set>.*?)\s+where (?P<where>.*?)\s*(?:\[ReqID=(?P<req>\d+)\])?\s*$")
    heads = _heads(df, "record_update").with_columns(_g=g).unnest("_g")
    pair = r"(\w+)\s*=\s*('[^']*'|[^,\s]+)"
    attrs = pl.col("set").str.extract_all(pair).list.eval(pl.struct(
        name=pl.element().str.extract(r"^(\w+)"),
        value=pl.element().str.extract(r"=\s*(.*)$").str.strip_chars("'")))
    rows = heads.select(
        *_KEEP,
        list_dbid=pl.col("l").cast(pl.Int64), campaign_dbid=pl.col("c").cast(pl.Int64),
        group_dbid=pl.col("g").cast(pl.Int64), calling_list=pl.col("list"),
        call_result=_sql_field("set", "call_result").cast(pl.Int16),
        attempt=_sql_field("set", "attempt").cast(pl.Int32),
        record_status=_sql_field("set", "record_status").cast(pl.Int16),
        record_type=_sql_field("set", "record_type").cast(pl.Int16),
        agent_id=_sql_field("set", "agent_id", quoted=True).replace("", None),
        dial_sched_time=_sql_field("set", "dial_sched_time"),
        chain_id=_sql_field("where", "chain_id"), chain_n=_sql_field("where", "chain_n").cast(pl.Int32),
        record_id=_sql_field("where", "record_id"),
        attributes=pl.concat_list(attrs, pl.concat_list(pl.struct(name=pl.lit("table"), value=pl.col("table"))),
                                  pl.concat_list(pl.struct(name=pl.lit("req_id"), value=pl.col("req")))),
        evidence=pl.lit("db_update"),
    )
    rs = record_statuses().drop_nulls("kind")
    status_kind = pl.col("record_status").replace_strict(rs["record_status"], rs["kind"], default=None)
    callback = pl.col("record_type").is_in([5, 6])
    cb_type = pl.when(pl.col("record_type").is_in([4, 5])).then(pl.lit("personal")).otherwise(pl.lit("campaign"))
    kinds = [
        ("dial_completed", (pl.col("call_result") > 0) & (pl.col("attempt") > 0)),
        (status_kind, status_kind.is_not_null()),
        ("callback_completed", callback & (status_kind == "record_finalized")),
        ("callback_scheduled", callback & (pl.col("record_status") == 1)),
        ("records_scheduled", (pl.col("record_status") == 1) & pl.col("dial_sched_time").is_not_null()),
    ]
    parts = [rows.filter(cond.fill_null(False)).with_columns(
        kind=pl.lit(k) if isinstance(k, str) else k) for k, cond in kinds]
    out = pl.concat(parts, how="vertical_relaxed").with_columns(
        callback_type=pl.when(pl.col("kind").str.starts_with("callback")).then(cb_type))
    order = pl.col("kind").replace_strict([k for k, _ in kinds if isinstance(k, str)] + ["record_finalized"],
                                          [0, 2, 3, 4, 1], default=1)
    return out.sort(["source", "line", order], maintain_order=True)


def ready_count_events(df: pl.DataFrame) -> pl.DataFrame:
    """``CM_DBCallList(l-c-g): S[PR] return value (ReadyCount):n`` → ``records_ready`` with ``count``.

    The ready count of a list is what is left unprocessed; the derivation uses
    the last one as the weight of RecordsNotProcessed (CMP-12).
    """
    g = pl.col("body").str.extract_groups(
        r"^CM_DBCallList\((?P<l>\d+)-(?P<c>\d+)-(?P<g>\d+)\): S[PR] return value \(ReadyCount\):\s*(?P<n>\d+)")
    heads = _heads(df, "ready_count").with_columns(_g=g).unnest("_g")
    return heads.select(*_KEEP, kind=pl.lit("records_ready"), list_dbid=pl.col("l").cast(pl.Int64),
                        campaign_dbid=pl.col("c").cast(pl.Int64), group_dbid=pl.col("g").cast(pl.Int64),
                        count=pl.col("n").cast(pl.Int64), evidence=pl.lit("db_count"))


def cm_events(df: pl.DataFrame) -> pl.DataFrame:
    """CM protocol blocks (``OCMClient[…]::message received`` + attribute lines, §9.4).

    The message name comes from the bracket of ``GSW_CM_MessageType``; the
    triggers table maps the campaign-relevant ones (``Ev…`` results and the
    ``ReqSetDialingMode`` / ``ReqStartDialing`` commands that name a mode) to a
    kind; other CM messages are recognised lines without an event.
    """
    recs = df.filter(pl.col("head_class") == "cm_message")
    if recs.is_empty():
        return pl.DataFrame()
    attr = pl.col("text").str.extract_groups(r"^\s*(?P<name>(?:GSW_)?CM_\w+)\s+(?P<value>.*?)\s*$")
    body = (recs.filter(~pl.col("is_head")).with_columns(_a=attr).unnest("_a").drop_nulls("name")
            .with_columns(pl.col("name").str.replace(r"^GSW_", "")))
    heads = recs.filter(pl.col("is_head")).select("source", "rec", *_KEEP[1:])
    agg = body.group_by("source", "rec").agg(
        attributes=pl.struct("name", "value"),
        _msg=pl.col("value").filter(pl.col("name") == "CM_MessageType").first()
        .str.extract(r"\[(?:GSW_)?(?:CM_)?(\w+)\]"),
        campaign_dbid=pl.col("value").filter(pl.col("name") == "CM_AttrCampaignID").first()
        .str.extract(r"(\d+)").cast(pl.Int64),
        group_dbid=pl.col("value").filter(pl.col("name") == "CM_AttrGroupID").first()
        .str.extract(r"(\d+)").cast(pl.Int64),
        _mode=pl.col("value").filter(pl.col("name") == "CM_AttrDialMode").first(),
    )
    trig = campaign_triggers("cm")
    rows = heads.join(agg, on=["source", "rec"], how="inner").with_columns(
        kind=pl.col("_msg").replace_strict(trig["value"], trig["kind"], default=None),
        dial_mode=_dial_mode(pl.col("_mode")),
        evidence=pl.concat_str(pl.lit("cm:"), pl.col("_msg")),
    )
    # A mode command without a mode names nothing.
    rows = rows.filter(pl.col("kind").is_not_null()
                       & ~(pl.col("kind").str.starts_with("dial_mode") & pl.col("dial_mode").is_null()))
    return rows.drop("rec", "_msg", "_mode")


def dbid_names(df: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """DBID → name maps for campaigns, groups and calling lists, learnt from the whole log.

    Sources: ``CampGrMsg`` dumps (``CampaignDBID: n; CampaignName: x;``,
    ``GroupDBID: n; GroupName: x;``), ``PA Session Info`` (``Campaign DBID: n;
    Group DBID: n; Name: c@g;``) and DB lines (``CM_DBCallList(l-c-g): DBServer
    '… for <list> (n)'``).
    """
    # Cheap literal pre-filter: only a few lines name DBIDs.
    df = df.filter(pl.col("text").str.contains("DBID", literal=True)
                   | pl.col("body").str.starts_with("CM_DBCall"))
    text = pl.col("text")
    camp = df.select(
        campaign_dbid=text.str.extract(r"CampaignDBID:\s*(\d+);").cast(pl.Int64),
        campaign=text.str.extract(r"CampaignName:\s*([^;]+?)\s*;"))
    grp = df.select(
        group_dbid=text.str.extract(r"GroupDBID:\s*(\d+);").cast(pl.Int64),
        group=text.str.extract(r"GroupName:\s*([^;]+?)\s*;"))
    pa = df.select(
        campaign_dbid=text.str.extract(r"Campaign DBID:\s*(\d+);").cast(pl.Int64),
        group_dbid=text.str.extract(r"Group DBID:\s*(\d+);").cast(pl.Int64),
        name=text.str.extract(r"Campaign DBID:.*?Name:\s*([^;]+?)\s*;")).drop_nulls()
    c, g = split_group_name(pl.col("name"))
    pa = pa.with_columns(c, g)
    lists = df.select(
        list_dbid=pl.col("body").str.extract(r"^CM_DBCall(?:List|Record)\((\d+)-").cast(pl.Int64),
        calling_list=pl.col("body").str.extract(r"^CM_DBCall(?:List|Record)\(\d+-\d+-\d+\): DBServer '.*? for (.+?) \(\d+\)'"))
    return {
        "campaign": pl.concat([camp.drop_nulls(), pa.select("campaign_dbid", "campaign")])
        .unique("campaign_dbid", keep="last"),
        "group": pl.concat([grp.drop_nulls(), pa.select("group_dbid", "group")]).unique("group_dbid", keep="last"),
        "calling_list": lists.drop_nulls().unique("list_dbid", keep="last"),
    }


def name_by_dbid(rows: pl.DataFrame, maps: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Fill null campaign / group / calling_list names from their DBIDs."""
    for col, key in (("campaign", "campaign_dbid"), ("group", "group_dbid"), ("calling_list", "list_dbid")):
        if key not in rows.columns:
            continue
        if col not in rows.columns:
            rows = rows.with_columns(pl.lit(None, pl.String).alias(col))
        m = maps[col].rename({col: "_name"})
        rows = rows.join(m, on=key, how="left").with_columns(pl.coalesce(col, "_name").alias(col)).drop("_name")
    return rows


# --- client-side TEvents with GSW_ keys (§7.1, §9.8, §9.9) --------------------------------
def _ud(key: str) -> pl.Expr:
    """The first value of ``key`` in ``user_data`` (quotes already removed)."""
    return (pl.col("user_data").list.eval(
        pl.element().filter(pl.element().struct.field("key") == key).struct.field("value"))
        .list.first().str.strip_chars("'\""))


def _ud_int(key: str) -> pl.Expr:
    return _ud(key).str.extract(r"^\s*(-?\d+)").cast(pl.Int64)


def tevent_campaign_events(events: pl.DataFrame) -> pl.DataFrame:
    """EventUserEvent / RequestDistributeUserEvent rows with GSW_ keys → campaign_events rows.

    The kind comes from ``GSW_STAT_EVENT`` (``gsw_stat_events.csv``), else from
    ``GSW_USER_EVENT`` (OCS notification) or ``GSW_AGENT_REQ_TYPE`` (desktop
    request) through ``campaign_triggers.csv``, where one request may name
    several kinds (a reschedule is a callback and the report of the attempt);
    a desktop report counts as a completed attempt only with ``GSW_CALL_RESULT``.
    User events without a campaign meaning give no row.

    Parameters
    ----------
    events : polars.DataFrame
        ``events`` rows (DESIGN §1 columns ``event``, ``user_data``, ``this_dn``,
        ``agent_id``, ``log_time``, ``source_ts``, ``source``, ``line``).

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.schema import EVENTS, conform
    >>> ev = conform(pl.DataFrame({"event": ["EventUserEvent"], "source": ["o"], "line": [7],
    ...     "user_data": [[{"key": "GSW_CAMPAIGN_NAME", "value": "TDC"},
    ...                    {"key": "GSW_CALL_RESULT", "value": "33"},
    ...                    {"key": "GSW_AGENT_REQ_TYPE", "value": "RecordProcessed"}]]}), EVENTS)
    >>> tevent_campaign_events(ev).select("kind", "campaign", "call_result").row(0)
    ('dial_completed', 'TDC', 33)
    """
    # Desktop requests arrive as EventUserEvent; OCS's own notifications to the desktops
    # are logged as the RequestDistributeUserEvent it sends (§9.8).
    ev = events.filter(pl.col("event").is_in(["EventUserEvent", "RequestDistributeUserEvent"])
                       & pl.col("user_data").is_not_null())
    if ev.is_empty():
        return pl.DataFrame()
    stat = gsw_stat_events().select(_code="code", kind="kind")
    trig = campaign_triggers().select("source", _value="value", kind="kind")
    code = _ud_int("GSW_STAT_EVENT").cast(pl.Int16)
    group_raw = _ud("GSW_CAMPAIGN_GROUP_NAME")
    cb = _ud("GSW_CALLBACK_TYPE").str.to_lowercase()
    rtype = _ud_int("GSW_RECORD_TYPE")
    cols = {c: pl.col(c) for c in ("source", "line", "log_time", "source_ts", "this_dn") if c in ev.columns}
    base = ev.with_row_index("_row").select(
        "_row", **cols,
        _code=code, _user=_ud("GSW_USER_EVENT"), _req=_ud("GSW_AGENT_REQ_TYPE"),
        campaign=_ud("GSW_CAMPAIGN_NAME"),
        group=pl.coalesce(group_raw.str.extract(r"@([^@]*)$"), group_raw),
        calling_list=_ud("GSW_CALLING_LIST"),
        dial_mode=_dial_mode(pl.coalesce(_ud("GSW_CAMPAIGN_MODE"), _ud("GSW_DIAL_MODE"))),
        call_result=_ud_int("GSW_CALL_RESULT").cast(pl.Int16),
        record_handle=_ud_int("GSW_RECORD_HANDLE"),
        chain_id=_ud_int("GSW_CHAIN_ID"), chain_n=_ud_int("GSW_CHAIN_N").cast(pl.Int32),
        attempt=_ud_int("GSW_ATTEMPTS").cast(pl.Int32),
        record_type=rtype.cast(pl.Int16), record_status=_ud_int("GSW_RECORD_STATUS").cast(pl.Int16),
        _cb=pl.coalesce(cb, pl.when(rtype.is_in([4, 5])).then(pl.lit("personal")), pl.lit("campaign")),
        agent_id=pl.coalesce(_ud("GSW_AGENT_ID"), pl.col("agent_id")),
        user_data=pl.col("user_data").cast(KV_LIST),
    )
    # A stat event code wins; else the notification or the desktop request names the kind.
    # One request may report several occurrences (a reschedule also reports the attempt).
    stat_rows = base.join(stat, on="_code", how="inner").with_columns(
        evidence=pl.concat_str(pl.lit("stat_event:"), pl.col("_code").cast(pl.String)))
    rest = base.filter(pl.col("_code").is_null())
    user_rows = rest.join(trig.filter(pl.col("source") == "GSW_USER_EVENT").drop("source"),
                          left_on="_user", right_on="_value", how="inner").with_columns(
        evidence=pl.concat_str(pl.lit("user_event:"), pl.col("_user")))
    req_rows = rest.filter(pl.col("_user").is_null()).join(
        trig.filter(pl.col("source") == "GSW_AGENT_REQ_TYPE").drop("source"),
        left_on="_req", right_on="_value", how="inner").with_columns(
        evidence=pl.concat_str(pl.lit("agent_request:"), pl.col("_req")))
    # A desktop report is an attempt's completion only when it carries the call result.
    req_rows = req_rows.filter((pl.col("kind") != "dial_completed") | pl.col("call_result").is_not_null())
    out = pl.concat([stat_rows, user_rows, req_rows], how="diagonal_relaxed")
    first = pl.when(pl.col("kind") == "dial_completed").then(0).otherwise(1)
    out = out.sort("_row", first, maintain_order=True).with_columns(
        callback_type=pl.when(pl.col("kind").str.starts_with("callback")).then(pl.col("_cb")))
    return out.drop("_row", "_code", "_user", "_req", "_cb")
