"""Log bytes → one Polars row per line, each line classified by its shape.

Classification is a handful of literal-prefix tests and anchored regular
expressions evaluated on the whole column (log-formats §4–§7, §10). The rules
are data: :data:`LINE_KINDS` says what each kind means and which accounting
category its lines fall in. SIP messages are consumed by their byte count
(§6.1) so that body lines are never read as log lines.
"""

from __future__ import annotations

import codecs

import numpy as np
import polars as pl

from statcli.errors import UserError
from statcli.read.col0 import CODE, KIND, classify_spans
from statcli.read.tokens import to_buffer
from statcli.read.views import find_bytes, string_views
from statcli.read.workers import WORKERS, in_parallel

# Decoding: UTF-8, with invalid bytes taken as Latin-1 (lossless: every byte maps to
# one character and back), so Latin-1 user data survives and nothing aborts a file.
codecs.register_error("statcli-latin1", lambda e: (e.object[e.start:e.end].decode("latin-1"), e.end))

def split_lines(data: bytes, prefix: bytes = b"") -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Cut log bytes into lines without copying them into strings.

    A leading BOM of ``data`` and one trailing CR per line are left out of the
    spans. Input that is not UTF-8 is decoded with invalid bytes read as
    Latin-1 (lossless) and re-encoded, so every span is valid UTF-8.

    Parameters
    ----------
    data : bytes
        The log bytes.
    prefix : bytes
        Lines to put in front (already UTF-8, ending with a newline): the
        unfinished record of the previous segment.

    Returns
    -------
    (buf, start, end, non_utf8)
        The padded buffer (:func:`statcli.read.views.padded`), the byte span of
        every line and the number of lines of ``data`` that were not UTF-8.

    Examples
    --------
    >>> buf, start, end, bad = split_lines(b"\\xef\\xbb\\xbfa\\r\\n\\nb\\xe9")
    >>> [bytes(buf[s:e]).decode() for s, e in zip(start, end)], bad
    (['a', '', 'bé'], 1)
    """
    buf = np.frombuffer(prefix + data + bytes(32), dtype=np.uint8)
    return _split(buf, len(prefix))[:4]


def read_segment(segment, prefix: bytes = b"") -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, bool]:
    """Read one segment (a :class:`statcli.read.sources.Segment`) and cut it into lines.

    Like :func:`split_lines`, with the file read straight into the buffer.

    Returns
    -------
    (buf, start, end, non_utf8, nbytes, crlf)
        As :func:`split_lines`, plus the segment's size and whether its lines
        end in CRLF (SIP messages keep their CRs, §6.1).

    Raises
    ------
    UserError
        Binary data (a NUL byte in the first 64 KB): not a text log.

    Examples
    --------
    >>> from statcli.read.sources import Segment
    >>> buf, start, end, bad, nbytes, crlf = read_segment(Segment("-", 0, lambda: b"a\\r\\nb\\r\\n"))
    >>> [bytes(buf[s:e]) for s, e in zip(start, end)], nbytes, crlf
    ([b'a', b'b'], 6, True)
    """
    buf = segment.read_into(prefix, pad=32)
    if 0 in buf[len(prefix):len(prefix) + 65536][:max(0, buf.size - 32 - len(prefix))]:
        raise UserError(f"{segment.name} is not a text log (binary data)")
    return _split(buf, len(prefix))


def _split(buf: np.ndarray, p: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int, bool]:
    """Lines of ``buf`` (padded; the data starts at ``p`` after ``p`` bytes of carried lines)."""
    size = buf.size - 32
    bad = 0
    bom = bytes(buf[p:p + 3]) == codecs.BOM_UTF8
    nbytes = size - p
    data = buf[p + 3 * bom:size]
    if data.size and int(data.max()) >= 0x80:
        raw = data.tobytes()
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            bad = sum(1 for line in raw.split(b"\n") if _not_utf8(line))
            text = raw.decode("utf-8", errors="statcli-latin1").encode("utf-8")
            buf = np.frombuffer(buf[:p].tobytes() + text + bytes(32), dtype=np.uint8)
            size, bom = buf.size - 32, False
    first = p + 3 * bom
    # the newlines, in as many blocks as there are workers
    cuts = np.linspace(first, size, WORKERS + 1).astype(np.int64)
    found = [find_bytes(buf, (10, 13), 0, first)] + in_parallel(
        lambda i: find_bytes(buf, (10, 13), int(cuts[i]), int(cuts[i + 1])), list(range(WORKERS)))
    end = np.concatenate([f[0] for f in found])
    any_cr = any(len(f[1]) for f in found)
    if size > first and buf[size - 1] != 10:
        end = np.append(end, size)
    start = np.concatenate([[0], end[:-1] + 1]) if len(end) else end.copy()
    if bom:
        start[start == p] = first
    if not any_cr:  # most logs have no CR at all
        return buf, start, end, bad, nbytes, False
    cr = (end > start) & (buf[np.maximum(end - 1, 0)] == 13)
    return buf, start, end - cr, bad, nbytes, bool(cr[np.searchsorted(start, p):].any())


def segment_lines(segment) -> tuple[pl.Series, int, bool, int]:
    """Read and decode one segment (a :class:`statcli.read.sources.Segment`).

    Returns
    -------
    (lines, nbytes, crlf, non_utf8)
        The lines (String Series), the segment's size in bytes, whether it
        holds CRLF line ends (SIP messages with their CRs, §6.1) and the
        number of lines that were not UTF-8.

    Raises
    ------
    UserError
        Binary data (a NUL byte in the first 64 KB): not a text log.
    """
    buf, start, end, bad, nbytes, crlf = read_segment(segment)
    return string_views([buf], start, end - start, name="text"), nbytes, crlf, bad


def _not_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def classify(lines: pl.DataFrame) -> pl.DataFrame:
    """Add ``kind`` and the stamp columns to a frame of lines (column ``text``).

    Returns the frame with ``st_form``, ``st_date``, ``st_tod``, ``st_len``,
    ``kind`` and, for SIP headers, ``sip_bytes``; SIP body lines are re-kinded
    ``sip_body`` by :func:`sip_bodies`.

    Examples
    --------
    >>> import polars as pl
    >>> df = classify(pl.DataFrame({"text": [
    ...     "@16:45:24.5939 [0] 8.1.101.25 distribute_event: message EventReleased",
    ...     "\\tAttributeThisDN\\t'7001'",
    ...     "16:45:24.594 Trc 04542 EventReleased sent to [5] (00000001 Stat 1.2.3.4:5)",
    ...     "21:06:21.751: trunk ip addr 192.168.210.54",
    ...     "$-CTI:PRM:ON_DN_IN_SERVICE:191:117", ""]}))
    >>> df["kind"].to_list()
    ['ev_hdr', 'cont', 'std', 'trace', 'handler', 'blank']
    """
    base = lines.with_row_index("_pos")
    # TAB-led lines (most of a T-Server log) are continuation lines by their first byte;
    # every other test runs only on the column-0 lines.
    col0 = base.filter(~pl.col("text").str.starts_with("\t")).select("_pos", "text")
    buf, [(start, length)] = to_buffer([col0["text"] + "\n"])
    col0 = pl.concat([col0.select("_pos"), classify_spans(buf, start, start + length - 1)], how="horizontal")
    out = base.join(col0, on="_pos", how="left", maintain_order="left")
    return out.with_columns(kind=pl.col("kind").fill_null(pl.lit("cont", dtype=KIND))).drop("_pos")


def sip_bodies(kind: np.ndarray, length: np.ndarray, sip_bytes: np.ndarray, crlf: bool = False) -> np.ndarray:
    """Which lines are the bodies of SIP messages, from each header's byte count.

    Parameters
    ----------
    kind : numpy.ndarray
        Kind codes (:data:`CODE`) of the lines, in order.
    length : numpy.ndarray
        Bytes of each line (without its line end).
    sip_bytes : numpy.ndarray
        The byte count of each ``sip_hdr`` line (other rows are ignored).
    crlf : bool
        The file has CRLF line ends: the byte count alone decides.

    Returns
    -------
    numpy.ndarray
        Boolean mask of body lines.

    Examples
    --------
    >>> k = np.array([CODE["sip_hdr"], CODE["other"], CODE["blank"], CODE["std"]])
    >>> sip_bodies(k, np.array([50, 3, 0, 20]), np.array([7, 0, 0, 0])).tolist()
    [False, True, True, False]
    """
    n = len(kind)
    inside = np.zeros(n, dtype=bool)
    hdr = np.flatnonzero(kind == CODE["sip_hdr"])
    if not len(hdr):
        return inside
    # Each body line counts its length + 2 (CRLF; CRs stripped in transfer count as if present).
    cum = np.cumsum(length.astype(np.int64) + 2)
    end = np.searchsorted(cum, cum[hdr] + sip_bytes[hdr], side="left")  # first row reaching the target
    end = np.where(end < n, end, n - 1)
    strong_kinds = ["sip_hdr"] if crlf else ["ev_hdr", "std", "sip_hdr", "req_announce", "bsync_hdr"]
    strong = np.flatnonzero(np.isin(kind, [CODE[k] for k in strong_kinds]))
    # the next certain log record at least two rows on stops the body early
    at = np.searchsorted(strong, hdr + 2, side="left")
    stop = np.where(at < len(strong), strong[np.minimum(at, len(strong) - 1)], n)
    last = np.minimum(end, stop - 1)
    first = hdr + 1
    ok = last >= first
    delta = np.zeros(n + 1, dtype=np.int64)
    np.add.at(delta, first[ok], 1)
    np.add.at(delta, last[ok] + 1, -1)
    inside[:] = np.cumsum(delta[:n]) > 0
    return inside
