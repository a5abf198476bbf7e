"""T-Library blocks → event rows: header, typed attributes, key-value lists.

Works on the classified lines of many blocks at once. Attribute lines are
split into name and value with one regular expression; typed columns come
from a pivot driven by :data:`statcli.catalog.tlib.ATTRIBUTE_COLUMNS`;
key-value lists (UserData, Extensions, Reason) are rebuilt by indentation,
nested ``'key'(list)`` pairs getting ``parent.child`` keys (log-formats §5).
"""

from __future__ import annotations

import polars as pl

from statcli.catalog.tlib import AGENT_STATUS_EVENTS, ATTRIBUTE_COLUMNS, KV_ATTRIBUTES, RELEASING_PARTY

KV = pl.Struct({"key": pl.String, "value": pl.String})
ATTR = pl.Struct({"name": pl.String, "value": pl.String})

_SERVER_HDR = r"^@\S+ \[(?P<tag>[^\]]*)\] (?P<ver>\S+) (?P<ctx>.*?): message (?P<name>\w+)"
_CLIENT_HDR = (r"^received from (?P<handle>\d+)\((?P<srv>[^)]*)\)(?P<peer>.*?)\(fd=\d*\) "
               r"message (?P<name>\w+)")
_TOP = r"^(?P<name>Attribute\w+)(?:[\t ]+(?P<value>.*?))?\s*$"
_NOTE = r"^\((?P<note>.*)\)\s*$"
_PAIR = r"^'(?P<key>.*?)'(?:(?P<list>\(list\)) ?(?P<rest>.*)|[\t ]+(?P<value>.*?)|)\s*$"
_LIST_HDR = r"^\[(\d+)\]\s+([0-9A-Fa-f]{2})\s+([0-9A-Fa-f]{2})"


def unquote(expr: pl.Expr) -> pl.Expr:
    """Text between the first quote and the last quote of a value; the raw text otherwise.

    Examples
    --------
    >>> import polars as pl
    >>> pl.select(unquote(pl.lit("'a 'b' c'"))).item(), pl.select(unquote(pl.lit("42 (x)"))).item()
    ("a 'b' c", '42 (x)')
    """
    # prefix/suffix tests and a slice: much cheaper than a regular expression per value
    quoted = expr.str.starts_with("'") & expr.str.ends_with("'") & (expr.str.len_chars() >= 2)
    return pl.when(quoted).then(expr.str.slice(1, expr.str.len_chars() - 2)).otherwise(expr)


def block_headers(heads: pl.DataFrame) -> pl.DataFrame:
    """Parse block header lines (server ``@… : message X``, client ``received from …``, ``message X``).

    Parameters
    ----------
    heads : polars.DataFrame
        Columns ``rec``, ``kind``, ``text``.

    Returns
    -------
    polars.DataFrame
        ``rec``, ``event`` (message name, ``(…)`` suffix removed), ``tag``,
        ``server_version``, ``context``, ``client_server`` (server named in a
        client dump).
    """
    srv = pl.col("text").str.extract_groups(_SERVER_HDR)
    cli = pl.col("text").str.extract_groups(_CLIENT_HDR)
    bare = pl.col("text").str.extract(r"^message (\w+)", 1)
    is_client = pl.col("kind").is_in(["client_ev_hdr", "client_rq_hdr"])
    return heads.select(
        "rec",
        event=pl.coalesce(pl.when(is_client).then(cli.struct.field("name")), srv.struct.field("name"), bare),
        tag=srv.struct.field("tag"),
        server_version=srv.struct.field("ver"),
        context=pl.when(is_client).then(pl.lit("client")).otherwise(srv.struct.field("ctx")),
        client_server=pl.when(is_client).then(cli.struct.field("srv")),
    )


#: The two usual shapes of a block line, in one pass: `\tName\tvalue` and `\t\t'key'\tvalue`.
_USUAL = r"^(?P<tabs>\t+)(?:(?P<name>Attribute\w+)\t(?P<value>.*)|'(?P<key>[^'\t]*)'\t(?P<kvalue>.*))$"


def _attr_lines(body: pl.DataFrame) -> pl.DataFrame:
    """Depth, name/value or key/value of every TAB line of the blocks.

    One regular expression takes the usual shapes (``\tName\tvalue``,
    ``\t\t'key'\tvalue``) in a single pass; the rare rest (``(list)`` keys,
    spaces instead of TABs, free ``(text)`` notes) gets the slower grammar.
    """
    text = pl.col("text")
    g = text.str.extract_groups(_USUAL)
    df = body.with_columns(
        depth=g.struct.field("tabs").str.len_bytes().cast(pl.Int32),
        name=g.struct.field("name"),
        value=pl.coalesce(g.struct.field("value"), g.struct.field("kvalue")).str.strip_chars_end(),
        key=g.struct.field("key"),
    )
    top = pl.col("depth") == 1
    pair = pl.col("depth") >= 2
    simple_name = top & pl.col("name").is_not_null()
    simple_key = pair & pl.col("key").is_not_null()
    df = df.with_columns(
        name=pl.when(simple_name).then(pl.col("name")),
        key=pl.when(simple_key).then(pl.col("key")),
        value=pl.when(simple_name | simple_key).then(pl.col("value")),
        is_list=pl.when(pair).then(False),
        rest=pl.lit(None, dtype=pl.String),
        note=pl.lit(None, dtype=pl.String),
    )
    odd = df.filter(~simple_name & ~simple_key)
    if odd.height == 0:
        return df
    # Space-indented lines are accepted when their shape is unambiguous (§5.5).
    stripped = text.str.strip_chars_start("\t ")
    tabs = text.str.find(r"[^\t]").cast(pl.Int32)
    odd = odd.with_columns(depth=pl.when(tabs > 0).then(tabs)
                           .when(stripped.str.starts_with("Attribute")).then(1)
                           .when(stripped.str.starts_with("'")).then(2))
    t = stripped.str.extract_groups(_TOP)
    p = stripped.str.extract_groups(_PAIR)
    fixed = odd.with_columns(
        name=pl.when(top).then(t.struct.field("name")),
        value=pl.when(top).then(t.struct.field("value")).otherwise(p.struct.field("value")),
        note=pl.when(top).then(stripped.str.extract(_NOTE, 1)),
        key=pl.when(pair).then(p.struct.field("key")),
        is_list=pl.when(pair).then(p.struct.field("list").is_not_null()),
        rest=pl.when(pair).then(p.struct.field("rest")),
    )
    # Put the repaired rows back in place (few rows: scatter, no re-sort of the block lines).
    idx = df.with_row_index("_i").filter(~simple_name & ~simple_key)["_i"]
    columns = {}
    for name in ("depth", "name", "value", "note", "key", "is_list", "rest"):
        series = df[name].clone()
        series.scatter(idx, fixed[name].cast(series.dtype))
        columns[name] = series
    return df.with_columns(**columns)


def _kv_pairs(att: pl.DataFrame) -> pl.DataFrame:
    """Key-value rows with their owning list attribute and nested key paths.

    ``att`` is in block order; ownership and nesting are carried down with
    global forward fills that reset at every attribute line, so no window
    over blocks is needed.
    """
    same_rec = pl.col("rec") == pl.when(pl.col("depth") == 1).then(pl.col("rec")).forward_fill()
    att = att.with_columns(owner=pl.when(same_rec).then(
        pl.when(pl.col("depth") == 1).then(pl.col("name")).forward_fill()))
    pairs = att.filter((pl.col("depth") >= 2) & pl.col("key").is_not_null())
    # A non-empty nested list carries its first pair on the same line: `'k'(list) 'first'\tv`.
    inline = pairs.filter(pl.col("is_list") & (pl.col("rest").str.len_chars() > 0))
    if inline.height:
        sub = inline.select(
            "rec", "owner", "source", "line",
            order=pl.col("order") + 1,
            depth=pl.col("depth") + 1,
            g=pl.col("rest").str.extract_groups(_PAIR),
        ).unnest("g").with_columns(is_list=pl.col("list").is_not_null()).drop("list", "rest")
        pairs = pl.concat([pairs.select(sub.columns), sub], how="vertical_relaxed").sort("order")
    pairs = pairs.select("rec", "owner", "order", "depth", "key", "is_list", "value", "source", "line")
    new_list = (pl.col("owner") != pl.col("owner").shift(1)) | (pl.col("rec") != pl.col("rec").shift(1))
    max_depth = pairs["depth"].max() or 2
    path = pl.col("key")
    for level in range(max_depth - 1, 1, -1):
        # the list key open at `level` for deeper pairs; reset by any pair at or above it
        mark = (pl.when((pl.col("depth") == level) & pl.col("is_list")).then(pl.col("key"))
                .when(pl.col("depth") <= level).then(pl.lit("")))
        carried = pl.when(new_list.fill_null(True)).then(pl.lit("")).otherwise(mark.shift(1)).forward_fill()
        pairs = pairs.with_columns(carried.alias(f"_a{level}"))
        prefix = pl.when((pl.col("depth") > level) & (pl.col(f"_a{level}").fill_null("") != "")).then(
            pl.col(f"_a{level}") + ".").otherwise(pl.lit(""))
        path = prefix + path
    return pairs.with_columns(key=path, value=pl.when(pl.col("is_list")).then(None).otherwise(
        unquote(pl.col("value").fill_null(""))))


def _typed(top: pl.DataFrame) -> pl.DataFrame:
    """Pivot the attributes of ATTRIBUTE_COLUMNS into typed columns, one row per block."""
    known = top.filter(pl.col("name").is_in(list(ATTRIBUTE_COLUMNS)))
    mapping = {name: col for name, (col, _) in ATTRIBUTE_COLUMNS.items()}
    known = known.select("rec", col=pl.col("name").replace_strict(mapping), value=pl.col("value"))
    if known.height == 0:
        return pl.DataFrame(schema={"rec": pl.UInt32})
    wide = known.pivot(on="col", index="rec", values="value", aggregate_function="first")
    exprs = []
    for name, (col, kind) in ATTRIBUTE_COLUMNS.items():
        if col not in wide.columns:
            continue
        raw = pl.col(col).str.strip_chars()
        if kind == "str":
            exprs.append(unquote(raw).alias(col))
        elif kind == "connid":
            exprs.append(unquote(raw).str.to_lowercase().alias(col))
        elif kind == "hex":
            exprs.append(raw.str.to_integer(base=16, dtype=pl.UInt64, strict=False).alias(col))
        else:
            exprs.append(unquote(raw).str.extract(r"^(-?\d+)", 1).cast(pl.Int64, strict=False).alias(col))
    label = [pl.col("_timein_secs").str.extract(r"\((\d{1,2}:\d{2}:\d{2})\)", 1).alias("_timein_label")
             ] if "_timein_secs" in wide.columns else []
    return wide.select("rec", *exprs, *label)


def extract_blocks(lines: pl.DataFrame, warnings: dict[str, int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Turn event blocks into rows.

    Parameters
    ----------
    lines : polars.DataFrame
        Lines of event records: ``rec``, ``order`` (an even Int64 position: odd
        values are used for pairs found inline after ``(list)``), ``kind``, ``text``,
        ``source``, ``line``; the first line of each record is its header.
    warnings : dict
        Counters to increment (``kv_count_mismatch``).

    Returns
    -------
    (events, malformed)
        ``events``: one row per block with header fields, typed attribute
        columns, ``user_data``/``extensions``/``reasons``/``attributes``,
        ``note``, ``releasing_party`` and ``agent_status``.
        ``malformed``: the block lines that fit no attribute grammar
        (``order``, ``reason``) — the caller counts them as skipped.
    """
    heads = lines.filter(pl.col("is_start"))
    events = block_headers(heads.select("rec", "kind", "text"))
    body = lines.filter(~pl.col("is_start") & pl.col("kind").is_in(["cont", "space_cont"]))
    att = _attr_lines(body)
    malformed = att.filter(
        ((pl.col("depth") == 1) & pl.col("name").is_null() & pl.col("note").is_null())
        | ((pl.col("depth") >= 2) & pl.col("key").is_null())
        | pl.col("depth").is_null()
    ).select("order", reason=pl.lit("malformed line inside a T-Library block"))
    top = att.filter(pl.col("name").is_not_null())

    typed = _typed(top)
    events = events.join(typed, on="rec", how="left")

    notes = att.filter(pl.col("note").is_not_null()).group_by("rec").agg(note=pl.col("note").first())
    events = events.join(notes, on="rec", how="left")

    pairs = _kv_pairs(att)
    kv_owner = pl.col("owner").replace_strict(KV_ATTRIBUTES, default=None)
    listed = pairs.with_columns(column=kv_owner)
    for column in dict.fromkeys(KV_ATTRIBUTES.values()):
        # pairs are in block order already; group_by keeps it within each block
        agg = (listed.filter(pl.col("column") == column)
               .group_by("rec").agg(pl.struct(key=pl.col("key"), value=pl.col("value")).alias(column)))
        events = events.join(agg, on="rec", how="left")

    # Declared pair counts (`[size] b0 b1 …`) are only a check (§5.4).
    declared = top.filter(pl.col("name").is_in(list(KV_ATTRIBUTES))).select(
        "rec", owner=pl.col("name"),
        declared=pl.when(pl.col("value").str.contains(_LIST_HDR))
        .then(pl.col("value").str.replace(_LIST_HDR + ".*$", "$2$3"))
        .str.to_integer(base=16, strict=False))
    actual = pairs.filter(pl.col("depth") == 2).group_by("rec", "owner").agg(actual=pl.len())
    check = declared.join(actual, on=["rec", "owner"], how="left").with_columns(pl.col("actual").fill_null(0))
    mismatches = check.filter(pl.col("declared").is_not_null() & (pl.col("declared") != pl.col("actual"))).height
    if mismatches:
        key = "key-value lists whose pair count differs from the declared one"
        warnings[key] = warnings.get(key, 0) + mismatches

    # Everything not typed and not a known list stays in `attributes`, nothing lost.
    other_top = top.filter(~pl.col("name").is_in(list(ATTRIBUTE_COLUMNS)) & ~pl.col("name").is_in(list(KV_ATTRIBUTES)))
    other_pairs = pairs.filter(kv_owner.is_null()).select(
        "rec", "order", name=pl.col("owner").fill_null("") + "." + pl.col("key"), value=pl.col("value"))
    others = pl.concat([other_top.select("rec", "order", "name", pl.col("value").fill_null("")), other_pairs])
    if other_pairs.height:
        others = others.sort("rec", "order")
    attrs = others.group_by("rec").agg(
        attributes=pl.struct(name=pl.col("name"), value=pl.col("value")))
    events = events.join(attrs, on="rec", how="left")

    ext = listed.filter(pl.col("column") == "extensions")
    rp = ext.filter(pl.col("key") == "ReleasingParty").group_by("rec").agg(
        releasing_party=pl.col("value").first().str.strip_chars().str.slice(0, 1)
        .replace_strict(RELEASING_PARTY, default=None))
    status = ext.filter(pl.col("key") == "AgentStatus").group_by("rec").agg(
        agent_status=pl.col("value").first().str.extract(r"(-?\d+)", 1).cast(pl.Int8, strict=False))
    events = events.join(rp, on="rec", how="left").join(status, on="rec", how="left")
    events = events.with_columns(agent_status=pl.when(pl.col("event").is_in(list(AGENT_STATUS_EVENTS)))
                                 .then(pl.col("agent_status")))
    for column in ("user_data", "extensions", "reasons"):
        events = events.with_columns(pl.col(column).fill_null(pl.lit([], dtype=pl.List(KV))))
    events = events.with_columns(pl.col("attributes").fill_null(pl.lit([], dtype=pl.List(ATTR))))
    return events, malformed
