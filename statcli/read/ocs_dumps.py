"""Client-side T-Library dumps in OCS logs (log-formats §7.1) → ``events``-shaped rows.

A dump is ``received from <handle>(<server>)<host>:<port>(fd=<n>) message EventX``
followed by TAB attribute lines (``\\tAttributeThisDN\\t'94045'``) and, inside
``AttributeUserData`` / ``AttributeExtensions`` / ``AttributeReason``, key-value
lines one TAB deeper (``\\t\\t'GSW_CALL_RESULT'\\t33``). This module reads the
few columns the campaign mapping needs from records already cut by
:func:`statcli.read.ocs_lines.group_records`; the T-Server reader
(``statcli.read.tserver``) is the full implementation of the same grammar.
"""

from __future__ import annotations

import polars as pl

from statcli.schema import ATTR_LIST, EVENTS, KV_LIST, conform

_KV_OWNERS = {"AttributeUserData": "user_data", "AttributeExtensions": "extensions", "AttributeReason": "reasons"}


def _unquote(e: pl.Expr) -> pl.Expr:
    return e.str.strip_chars().str.replace(r"^'(.*)'$", "$1")


def dump_events(df: pl.DataFrame) -> pl.DataFrame:
    """Received client-side dumps of a classified line frame as ``events`` rows.

    Parameters
    ----------
    df : polars.DataFrame
        Output of :func:`statcli.read.ocs_lines.group_records` with ``log_time``.

    Returns
    -------
    polars.DataFrame
        Conformed to :data:`statcli.schema.EVENTS` plus ``rec``; ``context`` is
        ``client``, ``source_ts`` from AttributeTimeinSecs/uSecs, ``ts`` null
        (the caller converts ``log_time``).

    Examples
    --------
    >>> import polars as pl
    >>> from statcli.read.ocs_lines import stamp_columns, anchor_log_time, group_records
    >>> lines = pl.DataFrame({"source": "o", "line": [1, 2, 3, 4, 5], "text": [
    ...     "16:13:24.844 x", "received from 65201(--)callcpro2:3010(fd=10) message EventUserEvent",
    ...     "\\tAttributeThisDN\\t'94045'", "\\tAttributeUserData\\t[709] 00 1D 01 00..",
    ...     "\\t\\t'GSW_CALL_RESULT'\\t33"]})
    >>> ev = dump_events(group_records(anchor_log_time(stamp_columns(lines), "2016-02-05")))
    >>> ev.select("event", "this_dn", "line").row(0), ev["user_data"].to_list()
    (('EventUserEvent', '94045', 2), [[{'key': 'GSW_CALL_RESULT', 'value': '33'}]])
    """
    recs = df.filter(pl.col("head_class") == "tlib_received")
    if recs.is_empty():
        return conform(pl.DataFrame(), EVENTS).with_columns(rec=pl.lit(None, pl.Int64))
    hdr = pl.col("body").str.extract_groups(
        r"^received from (?P<handle>\d+)\((?P<srv>[^)]*)\)(?P<host>\S*?):(?P<port>\d*)\(fd=(?P<fd>\d*)\) "
        r"message (?P<event>\w+)")
    heads = (recs.filter(pl.col("is_head")).with_columns(_h=hdr).unnest("_h")
             .select("source", "rec", "line", "log_time", "event",
                     server_name=pl.col("srv").replace("--", None)))
    body = recs.filter(~pl.col("is_head") & ~pl.col("blank"))
    depth = pl.col("text").str.extract(r"^(\t*)").str.len_chars()
    attr = pl.col("text").str.extract_groups(r"^\t(?P<name>\w+)(?:\t|\s+)?(?P<value>.*)$")
    pair = pl.col("text").str.extract_groups(r"^\t\t+'(?P<key>[^']*)'(?:\(list\))?\s*(?P<v>.*)$")
    body = body.with_columns(_d=depth, _a=attr, _p=pair).with_columns(
        name=pl.when(pl.col("_d") == 1).then(pl.col("_a").struct.field("name")),
        value=pl.when(pl.col("_d") == 1).then(pl.col("_a").struct.field("value")),
    ).with_columns(owner=pl.col("name").forward_fill().over("source", "rec"))
    attrs = body.filter(pl.col("_d") == 1)
    pairs = body.filter(pl.col("_d") >= 2).with_columns(
        key=pl.col("_p").struct.field("key"), kv_value=_unquote(pl.col("_p").struct.field("v")))
    kv = pairs.group_by("source", "rec", "owner").agg(pl.struct(key="key", value="kv_value"))
    kv = kv.with_columns(col=pl.col("owner").replace_strict(_KV_OWNERS, default=None)).drop_nulls("col")
    kv_wide = kv.pivot(on="col", index=["source", "rec"], values="key") if kv.height else None

    def first(name: str) -> pl.Expr:
        return pl.col("value").filter(pl.col("name") == name).first()

    agg = attrs.group_by("source", "rec").agg(
        this_dn=_unquote(first("AttributeThisDN")),
        agent_id=_unquote(first("AttributeAgentID")),
        place=_unquote(first("AttributePlace")),
        conn_id=first("AttributeConnID"),
        reference_id=first("AttributeReferenceID").str.extract(r"(\d+)").cast(pl.Int64),
        user_event=first("AttributeUserEvent"),
        customer_id=_unquote(first("AttributeCustomerID")),
        seq=first("AttributeEventSequenceNumber").str.strip_chars().str.to_integer(base=16, strict=False)
        .cast(pl.UInt64),
        _secs=first("AttributeTimeinSecs").str.extract(r"^(\d+)").cast(pl.Int64),
        _usecs=first("AttributeTimeinuSecs").str.extract(r"^(\d+)").cast(pl.Int64),
        attributes=pl.struct("name", "value").filter(~pl.col("name").is_in(list(_KV_OWNERS))),
    )
    out = heads.join(agg, on=["source", "rec"], how="left")
    if kv_wide is not None:
        out = out.join(kv_wide, on=["source", "rec"], how="left")
    out = out.with_columns(
        source_ts=(pl.from_epoch(pl.col("_secs"), "s").cast(pl.Datetime("us"))
                   + pl.duration(microseconds=pl.col("_usecs").fill_null(0))).dt.replace_time_zone("UTC"),
        context=pl.lit("client"),
        attributes=pl.col("attributes").cast(ATTR_LIST),
    )
    for col in _KV_OWNERS.values():
        if col in out.columns:
            out = out.with_columns(pl.col(col).cast(KV_LIST))
    return conform(out, EVENTS).with_columns(out["rec"])
