"""T-Library blocks → event rows: header, typed attributes, key-value lists.

Works on the classified lines of many blocks at once. Block lines become
tokens (:mod:`statcli.read.tokens`): byte spans of names, keys and values.
Every column is then built by index arithmetic on the token arrays — typed
columns (driven by :data:`statcli.catalog.tlib.ATTRIBUTE_COLUMNS`) take the
first value of their attribute in each block, key-value lists (UserData,
Extensions, Reason) are Arrow list arrays cut by offsets, nested
``'key'(list)`` pairs get ``parent.child`` keys (log-formats §5) — so no
string is copied until the events table is written.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

from statcli.catalog.tlib import AGENT_STATUS_EVENTS, ATTRIBUTE_COLUMNS, KV_ATTRIBUTES, RELEASING_PARTY
from statcli.read.headers import block_headers
from statcli.read.tokens import NAME, NOTE, OTHER, PAIR, VOCAB, Tokens, to_buffer, tokenize
from statcli.read.views import DIGIT, HEX, SPACE, string_views
from statcli.schema import EVENTS

KV = pl.Struct({"key": pl.String, "value": pl.String})
ATTR = pl.Struct({"name": pl.String, "value": pl.String})

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


_N_TYPED = len(ATTRIBUTE_COLUMNS)
#: VOCAB id → key-value column index (−1: not a list attribute)
_KV_COLUMNS = list(dict.fromkeys(KV_ATTRIBUTES.values()))
_KV_OF = np.full(len(VOCAB) + 2, -1, dtype=np.int64)
for _name, _column in KV_ATTRIBUTES.items():
    _KV_OF[VOCAB.index(_name)] = _KV_COLUMNS.index(_column)


def _strip(t: Tokens, b: np.ndarray, s: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans without leading and trailing whitespace (``str.strip_chars()``); null spans stay null."""
    s, n = s.copy(), n.copy()
    wide = []
    for from_end in (False, True):
        rows = np.flatnonzero(n > 0)
        while len(rows):
            byte = _byte_at(t, b[rows], s[rows] + n[rows] - 1 if from_end else s[rows])
            wide.append(rows[byte >= 0x80])  # where the ASCII strip stops at a non-ASCII byte
            rows = rows[SPACE[byte]]
            s[rows] += not from_end
            n[rows] -= 1
            rows = rows[n[rows] > 0]
    # Unicode whitespace lies beyond ASCII: let Polars strip the few values that touch a non-ASCII byte
    wide = np.unique(np.concatenate(wide)) if wide else np.empty(0, np.int64)
    wide = wide[n[wide] > 0]
    if len(wide):
        v = string_views(t.buffers, s[wide], n[wide], b[wide])
        s[wide] += (v.str.len_bytes() - v.str.strip_chars_start().str.len_bytes()).to_numpy()
        n[wide] = v.str.strip_chars().str.len_bytes().to_numpy()
    return s, n


def _unquote(t: Tokens, b: np.ndarray, s: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spans of the text between a first and a last quote (see :func:`unquote`)."""
    q = (n >= 2) & (_byte_at(t, b, s) == 39) & (_byte_at(t, b, s + np.maximum(n - 1, 0)) == 39)
    return s + q, n - 2 * q




def _leading_int(t: Tokens, b: np.ndarray, s: np.ndarray, n: np.ndarray) -> pl.Series:
    """The leading ``-?\\d+`` of each span as Int64 (null without digits or beyond Int64)."""
    neg = (n > 0) & (_byte_at(t, b, s) == 45)
    p, left = s + neg, n - neg
    value = np.zeros(len(s), dtype=np.int64)
    digits = np.zeros(len(s), dtype=np.int64)
    rows = np.flatnonzero(left > 0)
    for k in range(19):
        byte = _byte_at(t, b[rows], p[rows] + k)
        digit = DIGIT[byte]
        rows, byte = rows[digit], byte[digit]
        value[rows] = value[rows] * 10 + (byte.astype(np.int64) - 48)
        digits[rows] += 1
        rows = rows[left[rows] > k + 1]
        if not len(rows):
            break
    out = pl.Series(np.where(neg, -value, value), dtype=pl.Int64).scatter(np.flatnonzero(digits == 0), None)
    long = np.flatnonzero(digits >= 19)
    if len(long):  # 19 digits and more may overflow: the exact rule decides
        v = string_views(t.buffers, s[long], n[long], b[long])
        out = out.scatter(long, v.str.extract(r"^(-?\d+)", 1).cast(pl.Int64, strict=False))
    return out


def _typed(t: Tokens, spans: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
           ) -> tuple[list[pl.Series], dict[str, np.ndarray]]:
    """Typed columns from the raw first value span of each attribute (one row per block).

    All columns are stripped, unquoted and parsed in one pass over their
    concatenated spans, then cut apart again. Each column comes in its events
    dtype; the second result holds, per column, the rows whose value is there
    but fits no value of that dtype (``CallType 200`` in an Int8, a ConnID
    that is not hex): those stay null in the column.
    """
    present = [(col, kind) for col, kind in ATTRIBUTE_COLUMNS.values() if col in spans]
    if not present:
        return [], {}
    n_ev = len(spans[present[0][0]][0])
    b = np.concatenate([spans[c][0] for c, _ in present])
    s, n = _strip(t, b, np.concatenate([spans[c][1] for c, _ in present]),
                  np.concatenate([spans[c][2] for c, _ in present]))
    hexes = np.repeat([kind == "hex" for _, kind in present], n_ev)
    us, un = _unquote(t, b, s, n)
    s, n = np.where(hexes, s, us), np.where(hexes, n, un)
    ints = [i for i, (_, kind) in enumerate(present) if kind == "int"]
    strs = [i for i, (_, kind) in enumerate(present) if kind != "int"]

    def rows_of(cols: list[int]) -> np.ndarray:
        return (np.concatenate([np.arange(i * n_ev, (i + 1) * n_ev) for i in cols]) if cols
                else np.empty(0, np.int64))

    at = rows_of(strs)
    text = string_views(t.buffers, s[at], np.maximum(n[at], 0), b[at], valid=n[at] >= 0)
    at = rows_of(ints)
    numbers = _leading_int(t, b[at], s[at], n[at]).scatter(np.flatnonzero(n[at] < 0), None)
    out: list[pl.Series] = []
    misfits: dict[str, np.ndarray] = {}
    for i, (col, kind) in enumerate(present):
        if kind in ("str", "connid"):
            value = text.slice(strs.index(i) * n_ev, n_ev).alias(col)
            out.append(value.str.to_lowercase() if kind == "connid" else value)
            continue
        if kind == "int":
            value = numbers.slice(ints.index(i) * n_ev, n_ev).alias(col)
        else:
            value = text.slice(strs.index(i) * n_ev, n_ev).alias(col).str.to_integer(
                base=16, dtype=pl.UInt64, strict=False)
        value = value.cast(EVENTS.columns.get(col, value.dtype), strict=False)
        bad = np.flatnonzero((spans[col][2] >= 0) & value.is_null().to_numpy())
        if len(bad):
            misfits[col] = bad
        out.append(value)
    if "_timein_secs" in spans:
        b, s, n = spans["_timein_secs"]
        raw = string_views(t.buffers, s, np.maximum(n, 0), b, valid=n >= 0)
        out.append(raw.str.extract(r"\((\d{1,2}:\d{2}:\d{2})\)", 1).alias("_timein_label"))
    return out, misfits


def _byte_at(t: Tokens, b: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The byte at offset ``at`` of buffer ``b`` for each row."""
    if len(t.buffers) == 1 or not b.any():
        return t.buffers[0][at]
    out = t.buffers[0][np.where(b == 0, at, 0)]
    for i in range(1, len(t.buffers)):
        mine = np.flatnonzero(b == i)
        out[mine] = t.buffers[i][at[mine]]
    return out


def _first_per_event(ev: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first of ``rows`` (token order) for each event: (event index, row)."""
    e = ev[rows]
    first = np.ones(len(rows), dtype=bool)
    first[1:] = e[1:] != e[:-1]
    return e[first], rows[first]


def _spans(t: Tokens, which: str, n_ev: int, ev_rows: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, ...]:
    """Spans of ``n_ev`` rows holding the ``which`` span of token ``rows`` at ``ev_rows`` (others null)."""
    b = np.zeros(n_ev, np.int64)
    s = np.zeros(n_ev, np.int64)
    n = np.full(n_ev, -1, np.int64)
    b[ev_rows] = getattr(t, f"{which}_b")[rows]
    s[ev_rows] = getattr(t, f"{which}_s")[rows]
    n[ev_rows] = getattr(t, f"{which}_n")[rows]
    return b, s, n


def _column(t: Tokens, which: str, n_ev: int, ev_rows: np.ndarray, rows: np.ndarray, name: str) -> pl.Series:
    """A String column of ``n_ev`` rows holding the ``which`` span of token ``rows`` at ``ev_rows``."""
    b, s, n = _spans(t, which, n_ev, ev_rows, rows)
    return string_views(t.buffers, s, np.maximum(n, 0), b, valid=n >= 0, name=name)


def _nested_keys(t: Tokens, pairs: np.ndarray, new_list: np.ndarray) -> tuple[np.ndarray, ...]:
    """Key spans of pairs with ``parent.child`` paths for pairs inside ``(list)`` pairs."""
    kb, ks, kn = t.key_b[pairs].copy(), t.key_s[pairs].copy(), t.key_n[pairs].copy()
    depth, is_list = t.depth[pairs], t.is_list[pairs]
    max_depth = int(depth.max()) if len(depth) else 2
    idx = np.arange(len(pairs))
    anchors = []
    for level in range(2, max_depth):
        # the list key open at `level` for deeper pairs: the last pair at or above `level`
        # (after the list started) — when it is a `(list)` pair at `level`
        marked = depth <= level
        event = new_list.copy()
        event[1:] |= marked[:-1]
        last = np.maximum.accumulate(np.where(event, idx, -1))
        src = np.maximum(last - 1, 0)
        open_key = (last >= 1) & ~new_list[np.maximum(last, 0)] & (depth[src] == level) & is_list[src]
        anchor = np.where(open_key & (depth > level) & (kn[src] > 0), src, -1)
        anchors.append(anchor)
    if not anchors:
        return kb, ks, kn
    rows = np.flatnonzero(np.any(np.stack(anchors) >= 0, axis=0))
    if not len(rows):
        return kb, ks, kn
    parts = []
    for anchor in anchors:
        a = anchor[rows]
        key = string_views(t.buffers, ks[np.maximum(a, 0)], np.maximum(kn[np.maximum(a, 0)], 0),
                           kb[np.maximum(a, 0)], valid=a >= 0)
        parts.append((key + ".").fill_null(""))
    own = string_views(t.buffers, ks[rows], np.maximum(kn[rows], 0), kb[rows], valid=kn[rows] >= 0)
    path = pl.select(pl.concat_str([pl.lit(p) for p in parts] + [pl.lit(own)])).to_series()
    buf, [(s, n)] = to_buffer([path])
    kb[rows], ks[rows], kn[rows] = len(t.buffers), s, n
    t.buffers.append(buf)
    return kb, ks, kn


def _lists(t: Tokens, n_ev: int, ev: np.ndarray, keys: tuple, vals: tuple, rows: np.ndarray,
           names: tuple[str, str] = ("key", "value")) -> pl.Series:
    """List(Struct(key, value)) column from the spans of ``rows`` (indices into ``keys``/``vals``)."""
    e = ev[rows]
    if len(e) > 1 and (np.diff(e) < 0).any():
        order = np.argsort(e, kind="stable")
        rows, e = rows[order], e[order]
    kb, ks, kn = (x[rows] for x in keys)
    vb, vs, vn = (x[rows] for x in vals)
    key = string_views(t.buffers, ks, np.maximum(kn, 0), kb, valid=kn >= 0, name=None)
    value = string_views(t.buffers, vs, np.maximum(vn, 0), vb, valid=vn >= 0, name=None)
    offsets = np.searchsorted(e, np.arange(n_ev + 1)).astype(np.int32)
    struct = pa.StructArray.from_arrays([key, value], names=list(names))
    return pl.Series(pa.ListArray.from_arrays(pa.array(offsets), struct))


def extract_blocks(lines: pl.DataFrame, warnings: dict[str, int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Turn event blocks into rows.

    Parameters
    ----------
    lines : polars.DataFrame
        Lines of event records: ``rec``, ``order`` (an even Int64 position: odd
        values are used for pairs found inline after ``(list)``), ``kind``, ``text``,
        ``is_start``; the first line of each record is its header. The lines of
        one record are consecutive.
    warnings : dict
        Counters to increment (``kv_count_mismatch``).

    Returns
    -------
    (events, malformed)
        ``events``: one row per block with header fields, typed attribute
        columns, ``user_data``/``extensions``/``reasons``/``attributes``,
        ``note``, ``releasing_party`` and ``agent_status``.
        ``malformed``: the block lines that fit no attribute grammar, and
        pairs with no attribute line above them in their block (``order``,
        ``reason``) — the caller counts them as skipped.
    """
    heads = lines.filter(pl.col("is_start")).select("rec", "kind", "text")
    body = lines.filter(~pl.col("is_start") & pl.col("kind").is_in(["cont", "space_cont"]))
    # the block lines, each ending in a newline, become the buffer the tokens point into
    buf, [(start, length)] = to_buffer([body["text"] + "\n"])
    return block_events(buf, heads, start, start + length - 1, body["rec"].to_numpy(), body["order"].to_numpy(),
                        warnings)


def block_events(buf: np.ndarray, heads: pl.DataFrame, start: np.ndarray, end: np.ndarray, rec: np.ndarray,
                 order: np.ndarray, warnings: dict[str, int],
                 head_spans: tuple[np.ndarray, np.ndarray] | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """:func:`extract_blocks` on byte spans: header lines as a frame, block lines as spans of ``buf``.

    Parameters
    ----------
    buf : numpy.ndarray
        Padded log bytes (:func:`statcli.read.views.padded`).
    heads : polars.DataFrame
        ``rec``, ``kind``, ``text`` of each block's header line; the events come in this order.
    start, end, rec, order : numpy.ndarray
        Byte span, record id and (even) order of each block line, in block order.
    warnings : dict
        Counters to increment.
    head_spans : (start, end), optional
        Byte spans of the header lines in ``buf`` (the usual ones are then cut from the bytes).

    Examples
    --------
    >>> from statcli.read.lines import split_lines
    >>> buf, s, e, _ = split_lines(b"@10:15:32.1230 [0] 8.1 d: message EventRinging\\n\\tAttributeThisDN\\t'7001'")
    >>> head = "@10:15:32.1230 [0] 8.1 d: message EventRinging"
    >>> heads = pl.DataFrame({"rec": [0], "kind": ["ev_hdr"], "text": [head]})
    >>> ev, bad = block_events(buf, heads, s[1:], e[1:], np.array([0]), np.array([2]), {}, (s[:1], e[:1]))
    >>> ev.select("event", "this_dn", "context").row(0), bad.height
    (('EventRinging', '7001', 'd'), 0)
    """
    events = block_headers(heads, buf, *head_spans) if head_spans else block_headers(heads)
    t = tokenize(buf, start, end, rec, order)
    n_ev = events.height
    head_rec = heads["rec"].to_numpy().astype(np.int64)
    # record id → event row, as a lookup table over the ids of this call
    ids = np.concatenate([head_rec, t.rec])
    lo, hi = (int(ids.min()), int(ids.max())) if ids.size else (0, 0)
    lut = np.full(hi - lo + 1, -1, dtype=np.int64)
    lut[head_rec[::-1] - lo] = np.arange(n_ev)[::-1]  # the first header of a record id wins
    ev = lut[t.rec - lo] if len(t.rec) else np.zeros(0, np.int64)
    known = ev >= 0
    ev = np.maximum(ev, 0)

    # typed columns: the first value of each attribute in each block
    is_name = (t.kind == NAME) & known
    rows = np.flatnonzero(is_name & (t.name_id >= 0) & (t.name_id < _N_TYPED))
    rows = rows[np.argsort(t.name_id[rows].astype(np.int8), kind="stable")]
    bounds = np.searchsorted(t.name_id[rows], np.arange(_N_TYPED + 1))
    raw, firsts = {}, {}
    for i, (col, _) in enumerate(ATTRIBUTE_COLUMNS.values()):
        group = rows[bounds[i]:bounds[i + 1]]
        if len(group):
            firsts[col] = _first_per_event(ev, group)
            raw[col] = _spans(t, "val", n_ev, *firsts[col])
    typed, misfits = _typed(t, raw)
    # a value its column cannot hold is not lost: its token stays, raw, in `attributes`
    kept = [firsts[col][1][np.searchsorted(firsts[col][0], bad)] for col, bad in misfits.items()]
    for attr, (col, _) in ATTRIBUTE_COLUMNS.items():
        if col in misfits:
            dtype = EVENTS.columns.get(col, pl.Int64)
            key = f"{attr} values that fit no {dtype} (column left null, kept in attributes)"
            warnings[key] = warnings.get(key, 0) + len(misfits[col])
    columns: dict[str, pl.Series] = {}
    e, first = _first_per_event(ev, np.flatnonzero((t.kind == NOTE) & known))
    columns["note"] = _column(t, "name", n_ev, e, first, "note")

    # key-value pairs: owner = the last named depth-1 line, when the last depth-1 line is in the block
    idx = np.arange(len(t.rec))
    top = t.depth == 1
    last_top = np.maximum.accumulate(np.where(top, idx, -1))
    last_name = np.maximum.accumulate(np.where(top & (t.kind == NAME), idx, -1))
    same = (last_top >= 0) & (t.rec[np.maximum(last_top, 0)] == t.rec)
    owner = np.where(same & (last_name >= 0), last_name, -1)
    pairs = np.flatnonzero((t.kind == PAIR) & known)
    # lines that fit no grammar, and pairs with no attribute line above them in their block
    bad = np.concatenate([t.order[t.kind == 0], t.order[pairs[owner[pairs] < 0]]])
    malformed = pl.DataFrame({"order": bad}, schema={"order": pl.Int64}).with_columns(
        reason=pl.lit("malformed line inside a T-Library block"))
    pairs = pairs[owner[pairs] >= 0]
    p_owner = owner[pairs]
    has_owner = p_owner >= 0
    owner_id = np.where(has_owner, t.name_id[np.maximum(p_owner, 0)], len(VOCAB))
    owner_key = np.where(has_owner, t.name_hash[np.maximum(p_owner, 0)], 0)
    new_list = np.ones(len(pairs), dtype=bool)
    new_list[1:] = ((owner_key[1:] != owner_key[:-1]) | (t.rec[pairs][1:] != t.rec[pairs][:-1])
                    | ~has_owner[1:] | ~has_owner[:-1])
    keys = _nested_keys(t, pairs, new_list)
    # values: quotes stripped; a `(list)` pair has none
    vb, vs, vn = t.val_b[pairs], t.val_s[pairs].copy(), np.maximum(t.val_n[pairs], 0)
    quoted = (vn >= 2) & (_byte_at(t, vb, vs) == 39) & (_byte_at(t, vb, vs + np.maximum(vn - 1, 0)) == 39)
    vs[quoted] += 1
    vn[quoted] -= 2
    vn[t.is_list[pairs]] = -1
    vals = (vb, vs, vn)
    kv_col = _KV_OF[owner_id]
    for c, name in enumerate(_KV_COLUMNS):
        columns[name] = _lists(t, n_ev, ev[pairs], keys, vals, np.flatnonzero(kv_col == c)).alias(name)
    _check_declared(t, pairs, p_owner, owner_id, kv_col, ev, is_name, warnings)

    # everything not typed and not a known list stays in `attributes`, nothing lost
    columns["attributes"] = _attributes(t, n_ev, ev, is_name, pairs, p_owner, kv_col, keys, vals, kept)

    ext = np.flatnonzero(kv_col == _KV_COLUMNS.index("extensions"))
    found = pl.DataFrame({
        "ev": ev[pairs][ext],
        "key": string_views(t.buffers, keys[1][ext], np.maximum(keys[2][ext], 0), keys[0][ext],
                            valid=keys[2][ext] >= 0),
        "value": string_views(t.buffers, vs[ext], np.maximum(vn[ext], 0), vb[ext], valid=vn[ext] >= 0),
    }).filter(pl.col("key").is_in(["ReleasingParty", "AgentStatus"])).unique(["ev", "key"], keep="first",
                                                                             maintain_order=True)
    rp = found.filter(pl.col("key") == "ReleasingParty")
    st = found.filter(pl.col("key") == "AgentStatus")
    party = pl.repeat(None, n_ev, dtype=pl.String, eager=True).alias("releasing_party")
    party = party.scatter(rp["ev"], rp["value"].str.strip_chars().str.slice(0, 1)
                          .replace_strict(RELEASING_PARTY, default=None, return_dtype=pl.String))
    status = pl.repeat(None, n_ev, dtype=pl.Int8, eager=True).alias("agent_status")
    status = status.scatter(st["ev"], st["value"].str.extract(r"(-?\d+)", 1).cast(pl.Int8, strict=False))
    events = events.with_columns(*typed, *columns.values(), party, status)
    events = events.with_columns(agent_status=pl.when(pl.col("event").is_in(list(AGENT_STATUS_EVENTS)))
                                 .then(pl.col("agent_status")))
    return events, malformed




def _declared(t: Tokens, b: np.ndarray, s: np.ndarray, n: np.ndarray) -> np.ndarray:
    """The pair count declared by ``[size] b0 b1 …`` (``_LIST_HDR``; NaN where it does not match).

    ASCII values are read from their bytes; a value with a non-ASCII byte where
    the pattern looks goes through the expression (its ``\\d`` and ``\\s`` are Unicode).
    """
    m = len(s)
    end = s + np.maximum(n, 0)
    pos = s + 1
    ok = (n > 0) & (_byte_at(t, b, s) == 91)
    wide = np.zeros(m, dtype=bool)

    def run(table: np.ndarray, rows: np.ndarray) -> np.ndarray:
        k = np.zeros(m, dtype=np.int64)
        while len(rows):
            byte = _byte_at(t, b[rows], np.minimum(pos[rows] + k[rows], end[rows]))
            wide[rows[(byte >= 0x80) & (pos[rows] + k[rows] < end[rows])]] = True
            rows = rows[(pos[rows] + k[rows] < end[rows]) & table[byte]]
            k[rows] += 1
        return k

    digits = run(DIGIT, np.flatnonzero(ok))
    ok &= (digits > 0)
    pos = pos + digits
    ok &= (pos < end) & (_byte_at(t, b, np.minimum(pos, end)) == 93)
    pos = pos + 1
    count = np.zeros(m, dtype=np.int64)
    for _ in range(2):
        space = run(SPACE, np.flatnonzero(ok))
        ok &= space > 0
        pos = pos + space
        for _ in range(2):
            digit = HEX[_byte_at(t, b, np.minimum(pos, end))]
            ok &= (pos < end) & (digit >= 0)
            count = count * 16 + np.maximum(digit, 0)
            pos = pos + 1
    out = np.where(ok, count, np.nan)
    slow = np.flatnonzero(wide)
    if len(slow):
        g = string_views(t.buffers, s[slow], np.maximum(n[slow], 0), b[slow], valid=n[slow] >= 0
                         ).str.extract_groups(_LIST_HDR)
        out[slow] = (g.struct.field("2") + g.struct.field("3")).str.to_integer(base=16, strict=False
                                                                              ).cast(pl.Float64).to_numpy()
    return out


def _check_declared(t: Tokens, pairs, p_owner, owner_id, kv_col, ev, is_name, warnings) -> None:
    """Declared pair counts (``[size] b0 b1 …``) are only a check (§5.4): count the mismatches."""
    heads = np.flatnonzero(is_name & (_KV_OF[np.where(t.name_id >= 0, t.name_id, len(VOCAB))] >= 0))
    if not len(heads):
        return
    declared = _declared(t, t.val_b[heads], t.val_s[heads], t.val_n[heads])
    # depth-2 pairs per block and list attribute name
    kv_ids = [VOCAB.index(name) for name in KV_ATTRIBUTES]
    slot = {vid: i for i, vid in enumerate(kv_ids)}
    slot_of = np.full(len(VOCAB) + 2, -1, dtype=np.int64)
    for vid, i in slot.items():
        slot_of[vid] = i
    two = np.flatnonzero((t.depth[pairs] == 2) & (kv_col >= 0))
    k = len(kv_ids)
    n_ev = int(ev.max()) + 1 if len(ev) else 0
    actual = np.bincount(ev[pairs][two] * k + slot_of[owner_id[two]], minlength=n_ev * k)
    have = actual[ev[heads] * k + slot_of[t.name_id[heads]]]
    mismatches = int(np.count_nonzero(~np.isnan(declared) & (declared != have)))
    if mismatches:
        key = "key-value lists whose pair count differs from the declared one"
        warnings[key] = warnings.get(key, 0) + mismatches


def _attributes(t: Tokens, n_ev, ev, is_name, pairs, p_owner, kv_col, keys, vals, kept) -> pl.Series:
    """``attributes``: untyped top-level attributes, typed ones in ``kept`` and pairs of unknown lists."""
    m = len(t.rec)
    nb, ns, nn = np.zeros(m, np.int64), np.zeros(m, np.int64), np.full(m, -1, np.int64)
    vb, vs, vn = np.zeros(m, np.int64), np.zeros(m, np.int64), np.full(m, -1, np.int64)
    top = np.flatnonzero(is_name & (t.name_id == OTHER))
    if kept:
        top = np.union1d(top, np.concatenate(kept))
    nb[top], ns[top], nn[top] = t.name_b[top], t.name_s[top], t.name_n[top]
    vb[top], vs[top], vn[top] = t.val_b[top], t.val_s[top], np.maximum(t.val_n[top], 0)
    other = np.flatnonzero(kv_col < 0)
    if len(other):
        own = p_owner[other]
        owner = string_views(t.buffers, t.name_s[np.maximum(own, 0)], np.maximum(t.name_n[np.maximum(own, 0)], 0),
                             t.name_b[np.maximum(own, 0)], valid=own >= 0)
        key = string_views(t.buffers, keys[1][other], np.maximum(keys[2][other], 0), keys[0][other],
                           valid=keys[2][other] >= 0)
        buf, [(s, n)] = to_buffer([owner.fill_null("") + "." + key])
        at = pairs[other]
        nb[at], ns[at], nn[at] = len(t.buffers), s, n
        t.buffers.append(buf)
        vb[at], vs[at], vn[at] = (x[other] for x in vals)
    rows = np.flatnonzero(nn >= 0) if len(other) else top
    # a pair without key has a null name, but still belongs to the list
    if len(other):
        rows = np.union1d(rows, pairs[other])
    return _lists(t, n_ev, ev, (nb, ns, nn), (vb, vs, vn), rows, ("name", "value")).alias("attributes")
