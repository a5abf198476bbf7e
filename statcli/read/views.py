"""Zero-copy string columns: byte spans of a log buffer as a Polars String Series.

Polars stores strings as Arrow *string views*: 16 bytes per value holding the
length and either the whole string (≤ 12 bytes) or its first 4 bytes, a buffer
index and an offset. Views of spans of the log's own bytes can therefore be
written with a few NumPy array operations, and any substring (an attribute
name, a value, a key) becomes a column without copying one byte of text —
the reader's attribute split costs index arithmetic, not string work.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pyarrow as pa

#: Byte classes (ASCII), as lookup tables indexed by the byte.
DIGIT = np.zeros(256, dtype=bool)
DIGIT[48:58] = True
UPPER = np.zeros(256, dtype=bool)
UPPER[65:91] = True
LOWER = np.zeros(256, dtype=bool)
LOWER[97:123] = True
WORD = DIGIT | UPPER | LOWER  # `\w` within ASCII
WORD[95] = True
SPACE = np.zeros(256, dtype=bool)  # `\s` within ASCII
SPACE[[9, 10, 11, 12, 13, 32]] = True
HEX = np.full(256, -1, dtype=np.int64)  # hex digit value, −1 for any other byte
HEX[48:58] = np.arange(10)
HEX[65:71] = HEX[97:103] = np.arange(10, 16)

#: word k of an inline view keeps the bytes 4k … 4k+3 below the length: mask by bytes left.
_KEEP = np.array([0, 0xFF, 0xFFFF, 0xFFFFFF, 0xFFFFFFFF], dtype=np.uint32)
#: a uint64 keeps its lowest k bytes under KEEP64[k] (k = 0 … 8)
KEEP64 = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


def padded(data: bytes) -> np.ndarray:
    """The bytes with 32 zero bytes appended, as ``uint8``: reads a few bytes past a line never overrun.

    Examples
    --------
    >>> padded(b"ab").size
    34
    """
    return np.frombuffer(data + bytes(32), dtype=np.uint8)


def find_byte(buf: np.ndarray, byte: int, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Offsets of ``byte`` in ``buf[lo:hi]`` (int64), found block by block to stay in cache.

    Examples
    --------
    >>> find_byte(np.frombuffer(b"a\\nbc\\n", dtype=np.uint8), 10).tolist()
    [1, 4]
    """
    return _blockwise(buf, lambda part: part == byte, lo, hi)


def find_high(buf: np.ndarray, lo: int = 0, hi: int | None = None) -> np.ndarray:
    """Offsets of the non-ASCII bytes (≥ 0x80) in ``buf[lo:hi]``, found block by block.

    Examples
    --------
    >>> find_high(np.frombuffer("aé".encode(), dtype=np.uint8)).tolist()
    [1, 2]
    """
    return _blockwise(buf, lambda part: part >= 0x80, lo, hi)


_BLOCK = 1 << 22  # 4 MiB: a byte test's temporary stays in cache and is reused


def _blockwise(buf: np.ndarray, test, lo: int, hi: int | None) -> np.ndarray:
    """Offsets in ``buf[lo:hi]`` where ``test(block)`` holds, block by block."""
    hi = buf.size if hi is None else hi
    parts = [np.flatnonzero(test(buf[a:min(a + _BLOCK, hi)])) + a for a in range(lo, hi, _BLOCK)]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def find_bytes(buf: np.ndarray, values: tuple[int, ...], lo: int = 0, hi: int | None = None) -> list[np.ndarray]:
    """Offsets of each of ``values`` in ``buf[lo:hi]``, found in one pass.

    Examples
    --------
    >>> [x.tolist() for x in find_bytes(np.frombuffer(b"a\\tb'c\\t", dtype=np.uint8), (9, 39))]
    [[1, 5], [3]]
    """
    hi = buf.size if hi is None else hi
    found: list[list[np.ndarray]] = [[] for _ in values]
    for a in range(lo, hi, _BLOCK):
        part = buf[a:min(a + _BLOCK, hi)]
        hit = part == values[0]
        for v in values[1:]:
            hit |= part == v
        at = np.flatnonzero(hit)
        byte = part[at]
        for i, v in enumerate(values):
            found[i].append(at[byte == v] + a)
    return [np.concatenate(f) if f else np.empty(0, dtype=np.int64) for f in found]


#: Views hold 32-bit offsets: spans beyond 2**OFFSET_BITS bytes are cut from slices of the buffer.
OFFSET_BITS = 30


def _far_views(buf: np.ndarray, start: np.ndarray, length: np.ndarray, valid: np.ndarray | None,
               name: str | None) -> pl.Series | pa.Array:
    """String views of spans of a buffer larger than the view offsets reach (a segment over 2 GiB)."""
    block = start >> OFFSET_BITS
    order = np.argsort(block, kind="stable")
    pieces = []
    for b in np.unique(block):
        rows = order[block[order] == b]
        base = int(b) << OFFSET_BITS
        pieces.append(pl.Series(string_views([buf[base:]], start[rows] - base, np.asarray(length)[rows],
                                             valid=None if valid is None else valid[rows], name=None)))
    out = pl.concat(pieces).gather(np.argsort(order))
    return out.to_arrow() if name is None else out.alias(name)


def words64(buf: np.ndarray) -> np.ndarray:
    """Little-endian ``uint64`` read at every byte offset of a padded buffer (a strided view).

    Examples
    --------
    >>> int(words64(padded(b"Attribute"))[0]) == int.from_bytes(b"Attribut", "little")
    True
    """
    return np.ndarray((buf.size - 7,), dtype="<u8", buffer=buf, strides=(1,))


def words32(buf: np.ndarray) -> np.ndarray:
    """Little-endian ``uint32`` read at *every* byte offset of a padded buffer (a strided view).

    Examples
    --------
    >>> hex(int(words32(padded(b"abcde"))[1]))
    '0x65646362'
    """
    return np.ndarray((buf.size - 3,), dtype="<u4", buffer=buf, strides=(1,))


def string_views(buffers: list[np.ndarray], start: np.ndarray, length: np.ndarray,
                 bufidx: np.ndarray | None = None, valid: np.ndarray | None = None,
                 name: str | None = "") -> pl.Series | pa.Array:
    """A String Series of byte spans ``buffers[bufidx][start:start+length]``.

    Parameters
    ----------
    buffers : list of numpy.ndarray
        ``uint8`` buffers made by :func:`padded`; their bytes must be valid UTF-8
        at every span boundary (spans are cut at ASCII delimiters).
    start, length : numpy.ndarray
        Integer byte offsets and lengths (< 2 GiB).
    bufidx : numpy.ndarray, optional
        Buffer of each span (default: all in ``buffers[0]``).
    valid : numpy.ndarray, optional
        Boolean mask; False rows are null.
    name : str or None
        Name of the Series; ``None`` returns the Arrow array itself.

    Examples
    --------
    >>> import numpy as np
    >>> b = padded(b"\\tAttributeThisDN\\t'7001' and a longer tail")
    >>> string_views([b], np.array([1, 17, 23]), np.array([15, 6, 18])).to_list()
    ['AttributeThisDN', "'7001'", ' and a longer tail']
    """
    n = len(start)
    start = np.asarray(start, dtype=np.int64)
    if len(buffers) == 1 and n and int(start.max()) >= 1 << OFFSET_BITS:
        return _far_views(buffers[0], start, length, valid, name)
    length = np.asarray(length, dtype=np.uint32)
    # Long views (> 12 bytes): prefix, buffer index, offset. Short ones: the bytes, zero-padded.
    # Bytes 0-7 and 8-11 of every span are read in two gathers, whatever its length.
    bi = np.zeros(n, dtype=np.uint32) if bufidx is None else bufidx.astype(np.uint32)
    # most spans lie in the first buffer: read every row from it, then patch the few others
    others = np.empty(0, dtype=np.int64) if len(buffers) == 1 else np.flatnonzero(bi != 0)
    at = start if not len(others) else np.where(bi == 0, start, 0)
    head = words64(buffers[0])[at]
    tail = words32(buffers[0])[at + 8]
    for i in range(1, len(buffers)):
        mine = others[bi[others] == i]
        if len(mine):
            head[mine] = words64(buffers[i])[start[mine]]
            tail[mine] = words32(buffers[i])[start[mine] + 8]
    head &= KEEP64[np.minimum(length, 8)]
    tail &= _KEEP[np.clip(length.astype(np.int64) - 8, 0, 4)]
    long = length > 12
    views = np.empty((n, 4), dtype=np.uint32)
    views[:, 0] = length
    views[:, 1:3] = head.view(np.uint32).reshape(n, 2)
    views[:, 2] = np.where(long, bi, views[:, 2])
    views[:, 3] = np.where(long, start.astype(np.uint32), tail)
    validity = None
    nulls = 0
    if valid is not None and not valid.all():
        validity = pa.py_buffer(np.packbits(valid, bitorder="little"))
        nulls = int(n - np.count_nonzero(valid))
    arr = pa.Array.from_buffers(pa.string_view(), n, [validity, pa.py_buffer(views)]
                                + [pa.py_buffer(b) for b in buffers], null_count=nulls)
    return arr if name is None else pl.Series(name, arr)
