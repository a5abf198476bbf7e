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
from statcli.read.views import find_byte, padded, string_views

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
_WS = np.zeros(256, dtype=bool)
_WS[[9, 10, 11, 12, 13, 32]] = True
_KEEP64 = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)
_ATTRIBUT = int.from_bytes(b"Attribut", "little")


def words64(buf: np.ndarray) -> np.ndarray:
    """Little-endian ``uint64`` read at every byte offset of a padded buffer."""
    return np.ndarray((buf.size - 7,), dtype="<u8", buffer=buf, strides=(1,))


def name_hash(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> np.ndarray:
    """Four masked 8-byte words of each span (bytes 0–23 and the last 8) and its length.

    Two spans of at most 32 bytes have equal rows exactly when their bytes are equal.
    """
    w = words64(buf)
    n = length.astype(np.int64)
    out = np.empty((len(start), 5), dtype=np.uint64)
    for k in range(3):
        out[:, k] = w[start + 8 * k] & _KEEP64[np.clip(n - 8 * k, 0, 8)]
    out[:, 3] = w[start + np.maximum(n - 8, 0)] & _KEEP64[np.minimum(n, 8)]
    out[:, 4] = n
    return out


def mix(h: np.ndarray) -> np.ndarray:
    """One ``uint64`` per row of :func:`name_hash` words (equal names, equal values)."""
    return (h[:, 0] ^ (h[:, 1] * np.uint64(0x9E3779B97F4A7C15)) ^ (h[:, 2] * np.uint64(0xC2B2AE3D27D4EB4F))
            ^ (h[:, 3] * np.uint64(0x165667B19E3779F9)) ^ h[:, 4])


_VOCAB_BYTES = [name.encode() for name in VOCAB]
_VOCAB_BUF = padded(b"".join(_VOCAB_BYTES))
_VOCAB_START = np.cumsum([0] + [len(b) for b in _VOCAB_BYTES[:-1]])
_VOCAB_HASH = name_hash(_VOCAB_BUF, _VOCAB_START, np.array([len(b) for b in _VOCAB_BYTES]))
_VOCAB_MIX = mix(_VOCAB_HASH)
_VOCAB_ORDER = np.argsort(_VOCAB_MIX)


def vocab_ids(buf: np.ndarray, start: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Id of each span in :data:`VOCAB` (``OTHER`` when none) and its hash (:func:`mix`)."""
    h = name_hash(buf, start, length)
    hm = mix(h)
    sorted_mix = _VOCAB_MIX[_VOCAB_ORDER]
    at = np.minimum(np.searchsorted(sorted_mix, hm), len(VOCAB) - 1)
    cand = _VOCAB_ORDER[at]
    # a hash hit is confirmed word by word: names of ≤ 32 bytes are then equal byte for byte
    same = (h == _VOCAB_HASH[cand]).all(axis=1) & (length <= 32)
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
        ws = _WS[buf[start[rows] + length[rows] - 1]]
        rows = rows[ws]
        length[rows] -= 1
        rows = rows[length[rows] > 0]
    return length


def usual_lines(buf: np.ndarray, start: np.ndarray, end: np.ndarray) -> dict[str, np.ndarray]:
    """Cut the usual block lines into spans; ``usual`` is False where :func:`odd_lines` must decide.

    Usual shapes: depth 1 ``\\tAttribute\\w+\\tvalue`` and depth ≥ 2 ``'key'\\tvalue`` (key
    without quote or TAB); values lose trailing whitespace.
    """
    m = len(start)
    depth = np.zeros(m, dtype=np.int32)
    for k in range(_MAX_TABS):
        depth += (buf[start + k] == 9) & (depth == k)
    p = start + depth
    lo, hi = (int(start.min()), int(end.max())) if m else (0, 0)
    tabs = find_byte(buf, 9, lo, hi)
    tabs = np.append(tabs, np.iinfo(np.int64).max)
    bt = tabs[np.searchsorted(tabs, p)]
    has_tab = (bt < end) & (depth > 0) & (depth < _MAX_TABS)
    bt = np.where(has_tab, bt, p)
    w = words64(buf)
    name_n = bt - p
    named = has_tab & (depth == 1) & (w[p] == _ATTRIBUT) & (buf[p + 8] == ord("e")) & (name_n > 9)
    keyed = (has_tab & (depth >= 2) & (buf[p] == ord("'")) & (name_n >= 2)
             & (buf[np.maximum(bt - 1, 0)] == ord("'")))
    name_id = np.full(m, NONE, dtype=np.int32)
    rows = np.flatnonzero(named)
    ids, hm = vocab_ids(buf, p[rows], name_n[rows])
    name_id[rows] = ids
    name_hash = np.zeros(m, dtype=np.uint64)
    name_hash[rows] = hm
    # Names outside the vocabulary must still be `Attribute\w+`; keys must hold no quote.
    other = rows[ids == OTHER]
    if len(other):
        ok = string_views([buf], p[other], name_n[other]).str.contains(r"^Attribute\w+$").to_numpy()
        named[other[~ok]] = False
        name_id[other[~ok]] = NONE
    krows = np.flatnonzero(keyed)
    if len(krows):
        quoted = string_views([buf], p[krows] + 1, name_n[krows] - 2).str.contains("'", literal=True).to_numpy()
        keyed[krows[quoted]] = False
    usual = named | keyed
    val_s = bt + 1
    val_n = np.where(usual, end - val_s, -1)
    val_n[usual] = _rstrip(buf, val_s[usual], val_n[usual])
    # a value ending in a non-ASCII byte may end in Unicode whitespace: strip as Polars does
    wide = np.flatnonzero(usual & (val_n > 0))
    wide = wide[buf[val_s[wide] + val_n[wide] - 1] >= 0x80]
    if len(wide):
        val_n[wide] = string_views([buf], val_s[wide], val_n[wide]).str.strip_chars_end().str.len_bytes().to_numpy()
    return {"usual": usual, "depth": depth, "named": named, "name_id": name_id, "name_hash": name_hash,
            "p": p, "name_n": name_n, "val_s": val_s, "val_n": val_n}


def odd_lines(text: pl.Series, depth: pl.Series | None = None) -> pl.DataFrame:
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
    """Write string Series into one padded buffer; return it and each Series' (start, length) (−1 = null)."""
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


def tokenize(buf: np.ndarray, start: np.ndarray, end: np.ndarray, rec: np.ndarray, order: np.ndarray,
             text: pl.Series) -> Tokens:
    """Tokens of block lines given as spans ``buf[start:end]`` (``text``: the same lines as strings).

    ``order`` must be even: a pair written inline after ``'k'(list)`` takes its line's order + 1.
    """
    u = usual_lines(buf, start, end)
    m = len(start)
    usual, named = u["usual"], u["named"]
    kind = np.where(named, NAME, np.where(usual, PAIR, MALFORMED)).astype(np.int8)
    cols = {
        "rec": rec.astype(np.int64), "order": order.astype(np.int64), "depth": u["depth"], "kind": kind,
        "name_id": u["name_id"], "name_hash": u["name_hash"], "is_list": np.zeros(m, dtype=bool),
        "name_b": np.zeros(m, np.int64), "name_s": u["p"], "name_n": np.where(named, u["name_n"], -1),
        "key_b": np.zeros(m, np.int64), "key_s": u["p"] + 1, "key_n": np.where(usual & ~named, u["name_n"] - 2, -1),
        "val_b": np.zeros(m, np.int64), "val_s": u["val_s"], "val_n": u["val_n"],
    }
    buffers = [buf]
    odd = np.flatnonzero(~usual)
    if len(odd):
        _add_odd(cols, buffers, odd, text.gather(odd))
    return Tokens(buffers=buffers, **cols)


def _add_odd(cols: dict, buffers: list, odd: np.ndarray, text: pl.Series) -> None:
    g = odd_lines(text)
    # A non-empty nested list carries its first pair on its own line: `'k'(list) 'first'\tv`.
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
    names = g["name"]
    ids = names.replace_strict({n: i for i, n in enumerate(VOCAB)}, default=OTHER, return_dtype=pl.Int32)
    name_id = np.where(kind == NAME, ids.to_numpy(), NONE).astype(np.int32)
    c = cols
    c["depth"][odd] = depth
    c["kind"][odd] = kind
    c["name_id"][odd] = name_id
    c["name_hash"][odd] = names.hash(seed=0).fill_null(0).to_numpy()
    c["is_list"][odd] = g["is_list"].fill_null(False).to_numpy()
    for field, s, n in (("name", np.where(has_name, name_s, note_s), np.where(has_name, name_n, note_n)),
                        ("key", key_s, key_n), ("val", val_s, val_n)):
        c[f"{field}_b"][odd] = bi
        c[f"{field}_s"][odd] = s
        c[f"{field}_n"][odd] = n
    if not len(inline_at):
        return
    at = odd[inline_at]
    new = {
        "rec": c["rec"][at], "order": c["order"][at] + 1, "depth": c["depth"][at] + 1,
        "kind": np.full(len(at), PAIR, np.int8), "name_id": np.full(len(at), NONE, np.int32),
        "name_hash": np.zeros(len(at), np.uint64),
        "is_list": inline["list"].is_not_null().to_numpy(),
        "name_b": np.zeros(len(at), np.int64), "name_s": np.zeros(len(at), np.int64),
        "name_n": np.full(len(at), -1, np.int64),
        "key_b": np.full(len(at), bi, np.int64), "key_s": ik_s, "key_n": ik_n,
        "val_b": np.full(len(at), bi, np.int64), "val_s": iv_s, "val_n": iv_n,
    }
    for name, values in new.items():
        c[name] = np.insert(c[name], at + 1, values)
