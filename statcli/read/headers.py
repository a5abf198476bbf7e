"""Header lines of T-Library blocks → event name, tag, server version, context (log-formats §5.1–§5.2).

:func:`block_headers` states the grammar with regular expressions. A server's
own header, ``@HH:MM:SS.ffff [tag] version context: message EventX``, is
almost every header of a T-Server log, so when the lines' bytes are at hand
the usual ones are cut with NumPy — first space, brackets, next space, the
colon of ``: message`` — and only the rest goes through the expressions.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from statcli.read.views import find_byte, string_views

_SERVER_HDR = r"^@\S+ \[(?P<tag>[^\]]*)\] (?P<ver>\S+) (?P<ctx>.*?): message (?P<name>\w+)"
_CLIENT_HDR = (r"^received from (?P<handle>\d+)\((?P<srv>[^)]*)\)(?P<peer>.*?)\(fd=\d*\) "
               r"message (?P<name>\w+)")
_COLUMNS = ("event", "tag", "server_version", "context", "client_server")
_WORD = np.zeros(256, dtype=bool)
_WORD[48:58] = _WORD[65:91] = _WORD[97:123] = True
_WORD[95] = True
_END = np.iinfo(np.int64).max


def block_headers(heads: pl.DataFrame, buf: np.ndarray | None = None, start: np.ndarray | None = None,
                  end: np.ndarray | None = None) -> pl.DataFrame:
    """Parse block header lines (server ``@… : message X``, client ``received from …``, ``message X``).

    Parameters
    ----------
    heads : polars.DataFrame
        Columns ``rec``, ``kind``, ``text``.
    buf, start, end : optional
        The padded log bytes and each header line's span in them.

    Returns
    -------
    polars.DataFrame
        ``rec``, ``event`` (message name, ``(…)`` suffix removed), ``tag``,
        ``server_version``, ``context``, ``client_server`` (server named in a
        client dump).

    Examples
    --------
    >>> import polars as pl
    >>> h = pl.DataFrame({"rec": [0], "kind": ["ev_hdr"],
    ...                   "text": ["@10:15:32.1230 [0] 8.1.101.25 distribute_event: message EventRinging"]})
    >>> block_headers(h).row(0)
    (0, 'EventRinging', '0', '8.1.101.25', 'distribute_event', None)
    """
    if buf is not None:
        fast = _server_cut(buf, start, end)
        rest = np.flatnonzero(~fast["ok"])
        out = pl.DataFrame({"rec": heads["rec"], **{c: fast[c] for c in _COLUMNS}})
        if len(rest):
            slow = block_headers(heads[rest])
            out = pl.DataFrame({c: out[c].scatter(rest, slow[c]) for c in out.columns})
        return out
    text = pl.col("text")
    is_client = pl.col("kind").is_in(["client_ev_hdr", "client_rq_hdr"])
    # each shape's expression runs on its own rows only
    rows = heads.with_row_index("_i")
    server = rows.filter(~is_client & text.str.starts_with("@")).select(
        "_i", g=text.str.extract_groups(_SERVER_HDR)).unnest("g").select(
        "_i", event="name", tag="tag", server_version="ver", context="ctx")
    client = rows.filter(is_client).select("_i", g=text.str.extract_groups(_CLIENT_HDR)).unnest("g").select(
        "_i", event="name", context=pl.lit("client"), client_server="srv")
    bare = rows.filter(~is_client & ~text.str.starts_with("@")).select(
        "_i", event=text.str.extract(r"^message (\w+)", 1))
    parts = pl.concat([server, client, bare], how="diagonal_relaxed").sort("_i")
    return pl.concat([heads.select("rec"), parts.select(
        pl.col(c) if c in parts.columns else pl.lit(None, pl.String).alias(c)
        for c in ("event", "tag", "server_version", "context", "client_server"))], how="horizontal")


def _server_cut(buf: np.ndarray, s: np.ndarray, e: np.ndarray) -> dict:
    """``_SERVER_HDR`` cut from the bytes of ASCII lines without TABs; ``ok`` marks the lines it decided."""
    m = len(s)
    lo, hi = (int(s.min()), int(e.max())) if m else (0, 0)

    def first_after(byte: int, pos: np.ndarray) -> np.ndarray:
        found = np.append(find_byte(buf, byte, lo, hi), _END)
        return np.minimum(found[np.searchsorted(found, pos)], e)

    odd = np.sort(np.concatenate([np.flatnonzero(buf[lo:hi] >= 0x80), *(find_byte(buf, b, lo, hi) - lo for b in (9, 11, 12, 13))])) + lo
    plain = np.searchsorted(odd, e) == np.searchsorted(odd, s)
    sp1 = first_after(32, s)
    ok = plain & (buf[s] == 64) & (sp1 > s + 1) & (buf[sp1 + 1] == 91)
    close = first_after(93, sp1 + 2)
    ok &= (close < e) & (buf[close + 1] == 32)
    sp2 = first_after(32, close + 2)
    ok &= (sp2 > close + 2) & (sp2 < e)
    colon = first_after(58, sp2 + 1)
    name = colon + 10
    ok &= (name < e) & _WORD[buf[np.minimum(name, buf.size - 1)]]
    lit = np.frombuffer(b": message ", dtype=np.uint8)
    for i, ch in enumerate(lit):
        ok &= buf[colon + i] == ch
    k = np.zeros(m, dtype=np.int64)
    rows = np.flatnonzero(ok)
    while len(rows):
        rows = rows[(name[rows] + k[rows] < e[rows]) & _WORD[buf[name[rows] + k[rows]]]]
        k[rows] += 1

    def cut(a: np.ndarray, b: np.ndarray) -> pl.Series:
        return string_views([buf], np.where(ok, a, 0), np.where(ok, b - a, 0), valid=ok)

    return {"ok": ok, "event": cut(name, name + k), "tag": cut(sp1 + 2, close),
            "server_version": cut(close + 2, sp2), "context": cut(sp2 + 1, colon),
            "client_server": pl.repeat(None, m, dtype=pl.String, eager=True)}
