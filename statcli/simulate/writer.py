"""Write sorted log items as rotated segments with header blocks (log-formats §2).

Segments are named ``<base>.<YYYYMMDD_HHMMSS_mmm>.log`` after the local time of
their first line. Every segment starts with the header block (values at column
18) and an empty line. When a rotation point falls inside a TEvent block, the
block is cut after its first attribute lines and continues in the next
segment, as a real size-based rotation does. With ``gzip`` every segment but
the newest (the one a server would still be writing) is gzip-compressed.
"""

from __future__ import annotations

import gzip as gz
import io
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import polars as pl

from statcli.render.writers import atomic_path


def _local(t_us: int, offset_us: int) -> datetime:
    return datetime(1970, 1, 1) + timedelta(microseconds=t_us + offset_us)


def header(app: str, app_type: str, host: str, t_us: int, offset_us: int, n: int, name: str) -> str:
    """The header block of one segment, including the terminating empty line.

    Examples
    --------
    >>> print(header("SIP_P", "TServer (SIP Server)", "h1", 0, 0, 1, "x.log").splitlines()[3])
    Local time:       1970-01-01T00:00:00.000
    """
    local = _local(t_us, offset_us)
    utc = datetime(1970, 1, 1) + timedelta(microseconds=t_us)
    iso = "%Y-%m-%dT%H:%M:%S"
    rows = [("Application name:", app), ("Application type:", app_type), ("Host name:", host),
            ("Local time:", f"{local.strftime(iso)}.{local.microsecond // 1000:03d}"),
            ("Start time (UTC):", f"{utc.strftime(iso)}.{utc.microsecond // 1000:03d}"),
            ("Time zone:", str(-offset_us // 1_000_000)), ("File:", f"({n}) {name}")]
    return "".join(f"{label:<18}{value}\n" for label, value in rows) + "\n"


def segment_name(base: str, t_us: int, offset_us: int) -> str:
    """``base.YYYYMMDD_HHMMSS_mmm.log`` for local time of ``t_us``."""
    local = _local(t_us, offset_us)
    return f"{base}.{local.strftime('%Y%m%d_%H%M%S')}_{local.microsecond // 1000:03d}.log"


def _cut_points(items: pl.DataFrame, segment_size: int | None) -> list[tuple[int, int | None]]:
    """(item index, split offset in its text or None) where each new segment starts."""
    if not segment_size or items.height == 0:
        return []
    sizes = items["text"].str.len_bytes().cast(pl.Int64).to_numpy() + 1
    ends = np.cumsum(sizes)
    marks = np.arange(segment_size, int(ends[-1]), segment_size)
    idx = np.unique(np.searchsorted(ends, marks, side="right"))
    cuts = []
    for i in idx.tolist():
        if i <= 0 or i >= items.height:
            continue
        text, kind = items["text"][i], items["kind"][i]
        split = None
        if kind == "event":
            lines = text.split("\n")
            # cut after the header and a few attributes, never inside a key-value list
            head = [j for j in range(2, min(len(lines), 6)) if lines[j].startswith("\tAttribute")]
            if head:
                split = len("\n".join(lines[:head[0]]))
        cuts.append((i, split))
    return cuts


def write_stream(items: pl.DataFrame, out_dir: Path, *, base: str, app: str, app_type: str, host: str,
                 offset_us: int, segment_size: int | None, gzip: bool, progress=None) -> list[Path]:
    """Write one application's log (items sorted, columns ``t``, ``kind``, ``text``) as segments.

    Returns the written files in order.
    """
    texts = items["text"]
    times = items["t"].to_numpy()
    cuts = _cut_points(items, segment_size)
    bounds = [(0, None)] + cuts + [(items.height, None)]
    files = []
    carry = ""
    for n, ((i0, s0), (i1, s1)) in enumerate(zip(bounds[:-1], bounds[1:]), start=1):
        first_t = int(times[min(i0, items.height - 1)]) if items.height else 0
        name = segment_name(base, first_t, offset_us)
        parts = [header(app, app_type, host, first_t, offset_us, n, name)]
        body = texts.slice(i0, i1 - i0).to_list()
        if carry:
            body[0] = carry
            carry = ""
        if s1 is not None:
            full = texts[i1]
            body.append(full[:s1])
            carry = full[s1 + 1:]
        parts.append("\n".join(body) + "\n" if body else "")
        data = "".join(parts).encode("utf-8")
        last = n == len(bounds) - 1
        path = out_dir / (name + (".gz" if gzip and not last else ""))
        with atomic_path(path) as tmp:
            if gzip and not last:
                buf = io.BytesIO()
                with gz.GzipFile(filename=name, mode="wb", fileobj=buf, mtime=0, compresslevel=6) as f:
                    f.write(data)
                tmp.write_bytes(buf.getvalue())
            else:
                tmp.write_bytes(data)
        path.chmod(0o644)
        if progress:
            progress(len(data))
        files.append(path)
    return files
