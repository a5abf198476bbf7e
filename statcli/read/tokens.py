"""Lines of T-Library blocks → tokens: depth, name or key, value — as byte spans.

A block line is ``\\tAttributeName\\tvalue`` (depth 1) or ``\\t\\t'key'\\tvalue``
(depth 2 and deeper, log-formats §5). Almost every line has one of these two
shapes, so the reader cuts them with index arithmetic on the log's bytes: the
depth is the run of leading TABs, the name or key ends at the next TAB (found
by a ``searchsorted`` over the TAB positions), the value is the rest of the
line. Known attribute names are recognised by comparing 8-byte words, so no
string is built for them. The rare rest — ``(list)`` keys, spaces instead of
TABs, ``(text)`` notes, malformed lines — goes through the full grammar
(:func:`odd_lines`), whose strings are written to an extra buffer, so that
every token is a span ``(buffer, start, length)`` either way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from statcli.catalog.tlib import ATTRIBUTE_COLUMNS, KV_ATTRIBUTES
from statcli.read.views import KEEP64, SPACE, find_bytes, padded, string_views, words64

#: Attribute names recognised by id: the typed columns, then the key-value lists.
VOCAB: list[str] = list(ATTRIBUTE_COLUMNS) + list(KV_ATTRIBUTES)
OTHER = -1  # an attribute name outside VOCAB
NONE = -2   # not a name (a pair, a note, a malformed line)

#: token kinds
MALFORMED, NAME, NOTE, PAIR = 0, 1, 2, 3

_MAX_TABS = 8
_TOP = r"^(?P<name>Attribute\w+)(?:[\t ]+(?P<value>.*?))?\s*$"
_NOTE = r"^\((?P<note>.*)\)\s*$"
PAIR_GRAMMAR = r"^'(?P<key>.*?)'(?:(?P<list>\(list\)) ?(?P<rest>.*)|[\t ]+(?P<value>.*?)|)\s*$"
_ATTRIBUT = int.from_bytes(b"Attribut", "little")


def _name_hash(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Masked 8-byte words of each span — bytes 8–23 and the last 8 — and its length.

    The first 8 bytes are left out: every name checked here begins with ``Attribut``.
    Two such names of at most 32 bytes have equal rows exactly when they are equal.
    """
    w = words64(buf)
    n = length.astype(np.int64)
    out = np.empty((len(start), 4), dtype=np.uint64)
    for k in range(2):
        out[:, k] = w[start + 8 * (k + 1)] & KEEP64[np.clip(n - 8 * (k + 1), 0, 8)]
    out[:, 2] = w[start + np.maximum(n - 8, 0)] & KEEP64[np.minimum(n, 8)]
    out[:, 3] = n
    return out


def _mix(h: np.ndarray) -> np.ndarray:
    """One ``uint64`` per row of :func:`_name_hash` words (equal names, equal values)."""
    return ((h[:, 0] * np.uint64(0x9E3779B97F4A7C15)) ^ (h[:, 1] * np.uint64(0xC2B2AE3D27D4EB4F))
            ^ (h[:, 2] * np.uint64(0x165667B19E3779F9)) ^ h[:, 3])


_VOCAB_BYTES = [name.encode() for name in VOCAB]
_VOCAB_BUF = padded(b"".join(_VOCAB_BYTES))
_VOCAB_START = np.cumsum([0] + [len(b) for b in _VOCAB_BYTES[:-1]])
_VOCAB_MIX = _mix(_name_hash(_VOCAB_BUF, _VOCAB_START, np.array([len(b) for b in _VOCAB_BYTES])))
_VOCAB_ORDER = np.argsort(_VOCAB_MIX)


def _vocab_ids(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Id of each span in :data:`VOCAB` (``OTHER`` when none) and its hash (:func:`_mix`)."""
    h = _name_hash(buf, start, length)
    hm = _mix(h)
    sorted_mix = _VOCAB_MIX[_VOCAB_ORDER]
    at = np.minimum(np.searchsorted(sorted_mix, hm), len(VOCAB) - 1)
    cand = _VOCAB_ORDER[at]
    # equal mixes of the masked words and lengths: the same name (the vocabulary is ≤ 32 bytes)
    same = (_VOCAB_MIX[cand] == hm) & (length <= 32)
    return np.where(same, cand, OTHER).astype(np.int32), hm


@dataclass
class Tokens:
    """One row per block line (plus pairs written inline after ``(list)``), in block order.

    Spans are ``(*_b, *_s, *_n)``: buffer index, start, length (``-1`` = null).
    ``name`` holds the note text on NOTE rows.
    """

    buffers: list[np.ndarray]
    rec: np.ndarray
    order: np.ndarray
    depth: np.ndarray       # 0 = unknown (malformed)
    kind: np.ndarray        # MALFORMED, NAME, NOTE, PAIR
    name_id: np.ndarray     # VOCAB index, OTHER or NONE
    name_hash: np.ndarray   # first word of the name hash (owner identity of pairs)
    is_list: np.ndarray
    name_b: np.ndarray
    name_s: np.ndarray
    name_n: np.ndarray
    key_b: np.ndarray
    key_s: np.ndarray
    key_n: np.ndarray
    val_b: np.ndarray
    val_s: np.ndarray
    val_n: np.ndarray

    def strings(self, which: str, rows: np.ndarray | slice = slice(None), name: str = "") -> pl.Series:
        """The ``name``, ``key`` or ``val`` spans of ``rows`` as a String Series (null where length < 0)."""
        b, s, n = (getattr(self, f"{which}_{x}")[rows] for x in "bsn")
        return string_views(self.buffers, s, np.maximum(n, 0), b, valid=n >= 0, name=name)


def _rstrip(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Lengths with trailing ASCII whitespace removed (vectorized, one pass per trailing byte)."""
    length = length.copy()
    rows = np.flatnonzero(length > 0)
    while len(rows):
        ws = SPACE[buf[start[rows] + length[rows] - 1]]
        rows = rows[ws]
        length[rows] -= 1
        rows = rows[length[rows] > 0]
    return length


def _strip_value(buf: np.ndarray, usual: np.ndarray, val_s: np.ndarray, val_n: np.ndarray) -> None:
    """Strip trailing whitespace from the values of ``usual`` rows, in place."""
    rows = np.flatnonzero(usual & (val_n > 0))
    last = buf[val_s[rows] + val_n[rows] - 1]
    trail = rows[SPACE[last]]
    val_n[trail] = _rstrip(buf, val_s[trail], val_n[trail])
    # a value ending in a non-ASCII byte may end in Unicode whitespace: strip as Polars does
    wide = rows[last >= 0x80]
    if len(wide):
        val_n[wide] = string_views([buf], val_s[wide], val_n[wide]).str.strip_chars_end().str.len_bytes().to_numpy()


def _depth(buf: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Leading TABs of each line (up to ``_MAX_TABS``), testing only the lines still in the run."""
    depth = np.zeros(len(start), dtype=np.int32)
    rows = np.arange(len(start))
    for k in range(_MAX_TABS):
        rows = rows[buf[start[rows] + k] == 9]
        depth[rows] += 1
    return depth


_LIST = int.from_bytes(b"(list)", "little")
_MASK6 = np.uint64((1 << 48) - 1)
_END = np.iinfo(np.int64).max


def _usual_lines(buf: np.ndarray, start: np.ndarray, end: np.ndarray) -> dict[str, np.ndarray]:
    """Cut the usual block lines into spans; ``usual`` is False where :func:`odd_lines` must decide.

    Usual shapes: depth 1 ``\\tAttribute\\w+\\tvalue``; depth ≥ 2 ``'key'\\tvalue`` and
    ``'key'(list)``, optionally followed by its first pair ``'key'\\tvalue`` (returned as
    ``inline_*`` arrays). Keys hold no quote; values lose trailing whitespace.
    """
    m = len(start)
    depth = _depth(buf, start)
    p = start + depth
    lo, hi = (int(start.min()), int(end.max())) if m else (0, 0)
    tabs, quotes = find_bytes(buf, (9, 39), lo, hi)
    tabs, quotes = np.append(tabs, _END), np.append(quotes, _END)
    bt = tabs[np.searchsorted(tabs, p)]
    has_tab = (bt < end) & (depth > 0) & (depth < _MAX_TABS)
    bt = np.where(has_tab, bt, p)
    w = words64(buf)
    name_n = bt - p
    named = has_tab & (depth == 1) & (w[p] == _ATTRIBUT) & (buf[p + 8] == ord("e")) & (name_n > 9)
    name_id = np.full(m, NONE, dtype=np.int32)
    rows = np.flatnonzero(named)
    ids, hm = _vocab_ids(buf, p[rows], name_n[rows])
    name_id[rows] = ids
    name_hash = np.zeros(m, dtype=np.uint64)
    name_hash[rows] = hm
    # Names outside the vocabulary must still be `Attribute\w+`.
    other = rows[ids == OTHER]
    if len(other):
        ok = string_views([buf], p[other], name_n[other]).str.contains(r"^Attribute\w+$").to_numpy()
        named[other[~ok]] = False
        name_id[other[~ok]] = NONE
    # Pairs: the key ends at the first quote after the opening one (the grammar's lazy key).
    key_n = np.full(m, -1, dtype=np.int64)
    is_list = np.zeros(m, dtype=bool)
    cand = np.flatnonzero((depth >= 2) & (depth < _MAX_TABS) & (buf[p] == 39))
    q = quotes[np.searchsorted(quotes, p[cand] + 1)]
    inside = q < end[cand]
    keyed = cand[inside & has_tab[cand] & (q == bt[cand] - 1)]
    key_n[keyed] = name_n[keyed] - 2
    at = np.flatnonzero(inside)
    at = at[(w[q[at] + 1] & _MASK6) == _LIST]
    listed, q = cand[at], q[at]
    key_n[listed] = q - p[listed] - 1
    is_list[listed] = True
    usual = named.copy()
    usual[keyed] = True
    usual[listed] = True
    val_s = bt + 1
    val_n = np.where(named, end - val_s, -1)
    val_n[keyed] = end[keyed] - val_s[keyed]
    _strip_value(buf, usual, val_s, val_n)
    # `'k'(list) 'first'\tv`: the first pair of a nested list, on the list's own line
    r = q + 7
    r += (r < end[listed]) & (buf[r] == 32)
    rest = np.flatnonzero(r < end[listed])
    inline, r = listed[rest], r[rest]
    q2 = np.minimum(quotes[np.searchsorted(quotes, r + 1)], end[inline])
    after = buf[q2 + 1]
    ok = (buf[r] == 39) & (q2 < end[inline]) & ((after == 9) | (after == 32))
    usual[inline[~ok]] = False
    inline, r, q2 = inline[ok], r[ok], q2[ok]
    vs = q2 + 1
    run = np.arange(len(vs))
    while len(run):  # the `[\t ]+` before the value
        run = run[(buf[vs[run]] == 9) | (buf[vs[run]] == 32)]
        vs[run] += 1
    vn = end[inline] - vs
    every = np.ones(len(vs), dtype=bool)
    _strip_value(buf, every, vs, vn)
    return {"usual": usual, "depth": depth, "named": named, "name_id": name_id, "name_hash": name_hash,
            "p": p, "name_n": name_n, "key_n": key_n, "is_list": is_list, "val_s": val_s, "val_n": val_n,
            "inline_at": inline, "inline_key_s": r + 1, "inline_key_n": q2 - r - 1,
            "inline_val_s": vs, "inline_val_n": vn}


def odd_lines(text: pl.Series) -> pl.DataFrame:
    """The full grammar of block lines (log-formats §5.5), for the lines the fast cut left.

    Space-indented lines are accepted when their shape is unambiguous.

    Returns
    -------
    polars.DataFrame
        ``depth``, ``name``, ``value``, ``note``, ``key``, ``is_list``, ``rest``.

    Examples
    --------
    >>> import polars as pl
    >>> odd_lines(pl.Series(["\\t\\t'S'(list) 'N'\\t'272'", "\\t(free text)"])).row(0)
    (2, None, None, None, 'S', True, "'N'\\t'272'")
    """
    df = pl.DataFrame({"text": text})
    t = pl.col("text")
    stripped = t.str.strip_chars_start("\t ")
    tabs = t.str.find(r"[^\t]").cast(pl.Int32)
    df = df.with_columns(depth=pl.when(tabs > 0).then(tabs)
                         .when(stripped.str.starts_with("Attribute")).then(1)
                         .when(stripped.str.starts_with("'")).then(2))
    top, pair = pl.col("depth") == 1, pl.col("depth") >= 2
    g_top = stripped.str.extract_groups(_TOP)
    g_pair = stripped.str.extract_groups(PAIR_GRAMMAR)
    return df.select(
        "depth",
        name=pl.when(top).then(g_top.struct.field("name")),
        value=pl.when(top).then(g_top.struct.field("value")).otherwise(g_pair.struct.field("value")),
        note=pl.when(top).then(stripped.str.extract(_NOTE, 1)),
        key=pl.when(pair).then(g_pair.struct.field("key")),
        is_list=pl.when(pair).then(g_pair.struct.field("list").is_not_null()),
        rest=pl.when(pair).then(g_pair.struct.field("rest")),
    )


def to_buffer(columns: list[pl.Series]) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray]]]:
    """Write string Series into one padded buffer; return it and each Series' (start, length) (−1 = null).

    Examples
    --------
    >>> buf, [(start, length)] = to_buffer([pl.Series(["ab", None, "c"])])
    >>> bytes(buf[:3]), start.tolist(), length.tolist()
    (b'abc', [0, 2, 2], [2, -1, 1])
    """
    spans = []
    parts = []
    offset = 0
    for s in columns:
        n = s.str.len_bytes().fill_null(-1).cast(pl.Int64).to_numpy()
        starts = offset + np.concatenate([[0], np.cumsum(np.maximum(n, 0))[:-1]]) if len(n) else n
        spans.append((starts.astype(np.int64), n))
        joined = s.fill_null("").str.join("").item() if len(s) else ""
        parts.append(joined.encode())
        offset += len(parts[-1])
    return padded(b"".join(parts)), spans


def tokenize(buf: np.ndarray, start: np.ndarray, end: np.ndarray, rec: np.ndarray, order: np.ndarray) -> Tokens:
    """Tokens of block lines given as spans ``buf[start:end]``.

    ``order`` must be even: a pair written inline after ``'k'(list)`` takes its line's order + 1.

    Examples
    --------
    >>> from statcli.read.lines import split_lines
    >>> buf, start, end, _ = split_lines(b"\\tAttributeThisDN\\t'7001'\\n\\t\\t'k'(list) 'a'\\t1")
    >>> t = tokenize(buf, start, end, np.zeros(2, np.int64), np.array([0, 2]))
    >>> t.kind.tolist(), t.strings("key").to_list(), t.strings("val").to_list()
    ([1, 3, 3], [None, 'k', 'a'], ["'7001'", None, '1'])
    """
    u = _usual_lines(buf, start, end)
    m = len(start)
    usual, named = u["usual"], u["named"]
    kind = np.where(named, NAME, np.where(usual, PAIR, MALFORMED)).astype(np.int8)
    key_n = np.where(usual, u["key_n"], -1)
    cols = {
        "rec": rec.astype(np.int64), "order": order.astype(np.int64), "depth": u["depth"], "kind": kind,
        "name_id": u["name_id"], "name_hash": u["name_hash"], "is_list": u["is_list"] & usual,
        "name_b": np.zeros(m, np.int64), "name_s": u["p"], "name_n": np.where(named, u["name_n"], -1),
        "key_b": np.zeros(m, np.int64), "key_s": u["p"] + 1, "key_n": key_n,
        "val_b": np.zeros(m, np.int64), "val_s": u["val_s"], "val_n": np.where(usual, u["val_n"], -1),
    }
    buffers = [buf]
    at = u["inline_at"]
    inline = [(at, {"key_b": np.zeros(len(at), np.int64), "key_s": u["inline_key_s"], "key_n": u["inline_key_n"],
                    "val_b": np.zeros(len(at), np.int64), "val_s": u["inline_val_s"], "val_n": u["inline_val_n"],
                    "is_list": np.zeros(len(at), bool)})]
    odd = np.flatnonzero(~usual)
    if len(odd):
        text = string_views([buf], start[odd], end[odd] - start[odd])
        inline.append(_add_odd(cols, buffers, odd, text))
    _insert_inline(cols, inline)
    return Tokens(buffers=buffers, **cols)


def _insert_inline(cols: dict, inline: list[tuple[np.ndarray, dict]]) -> None:
    """Insert the inline first pairs of nested lists right after their list line."""
    at = np.concatenate([a for a, _ in inline])
    if not len(at):
        return
    order = np.argsort(at, kind="stable")
    at = at[order]
    n = len(at)
    new = {
        "rec": cols["rec"][at], "order": cols["order"][at] + 1, "depth": cols["depth"][at] + 1,
        "kind": np.full(n, PAIR, np.int8), "name_id": np.full(n, NONE, np.int32),
        "name_hash": np.zeros(n, np.uint64), "name_b": np.zeros(n, np.int64), "name_s": np.zeros(n, np.int64),
        "name_n": np.full(n, -1, np.int64),
    }
    for field in ("key_b", "key_s", "key_n", "val_b", "val_s", "val_n", "is_list"):
        new[field] = np.concatenate([d[field] for _, d in inline])[order]
    for name, values in new.items():
        cols[name] = np.insert(cols[name], at + 1, values)


def _add_odd(cols: dict, buffers: list, odd: np.ndarray, text: pl.Series) -> tuple[np.ndarray, dict]:
    """Fill the tokens of ``odd`` rows from the full grammar; return their inline pairs."""
    g = odd_lines(text)
    # A non-empty nested list carries its first pair on the same line: `'k'(list) 'first'\tv`.
    inline_at = np.flatnonzero((g["is_list"].fill_null(False) & (g["rest"].str.len_chars() > 0)).to_numpy())
    inline = g[inline_at]["rest"].str.extract_groups(PAIR_GRAMMAR).struct.unnest()
    buf, spans = to_buffer([g["name"], g["note"], g["key"], g["value"], inline["key"], inline["value"]])
    bi = len(buffers)
    buffers.append(buf)
    (name_s, name_n), (note_s, note_n), (key_s, key_n), (val_s, val_n), (ik_s, ik_n), (iv_s, iv_n) = spans
    depth = g["depth"].fill_null(0).to_numpy().astype(np.int32)
    has_name, has_note, has_key = name_n >= 0, note_n >= 0, key_n >= 0
    kind = np.full(len(odd), MALFORMED, dtype=np.int8)
    kind[(depth == 1) & has_name] = NAME
    kind[(depth == 1) & ~has_name & has_note] = NOTE
    kind[(depth >= 2) & has_key] = PAIR
    # names are identified by the same bytes-and-hash rule as on the fast path, so that the
    # owner of a list is the same whichever path read its line
    named = np.flatnonzero(kind == NAME)
    ids, mixes = _vocab_ids(buf, name_s[named], name_n[named])
    c = cols
    c["depth"][odd] = depth
    c["kind"][odd] = kind
    c["name_id"][odd] = NONE
    c["name_id"][odd[named]] = ids
    c["name_hash"][odd] = 0
    c["name_hash"][odd[named]] = mixes
    c["is_list"][odd] = g["is_list"].fill_null(False).to_numpy()
    for field, s, n in (("name", np.where(has_name, name_s, note_s), np.where(has_name, name_n, note_n)),
                        ("key", key_s, key_n), ("val", val_s, val_n)):
        c[f"{field}_b"][odd] = bi
        c[f"{field}_s"][odd] = s
        c[f"{field}_n"][odd] = n
    k = len(inline_at)
    return odd[inline_at], {"key_b": np.full(k, bi, np.int64), "key_s": ik_s, "key_n": ik_n,
                            "val_b": np.full(k, bi, np.int64), "val_s": iv_s, "val_n": iv_n,
                            "is_list": inline["list"].is_not_null().to_numpy()}
