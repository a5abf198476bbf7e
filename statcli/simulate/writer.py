"""Write sorted log items as rotated segments with header blocks (log-formats §2).

Segments are named ``<base>.<YYYYMMDD_HHMMSS_mmm>.log`` after the local time of
their first line. Every segment starts with the header block (values at column
18) and an empty line. When a rotation point falls inside a TEvent block, the
block is cut after its first attribute lines and continues in the next
segment, as a real size-based rotation does. With ``gzip`` every segment but
the newest (the one a server would still be writing) is gzip-compressed.

Items arrive in chunks (:meth:`SegmentWriter.write`), so memory stays bounded
by one chunk however large the log.
"""

from __future__ import annotations

import gzip as gz
import os
import shutil
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl


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
    """``base.YYYYMMDD_HHMMSS_mmm.log`` for the local time of ``t_us``.

    Examples
    --------
    >>> segment_name("SIP_P", 0, 0)
    'SIP_P.19700101_000000_000.log'
    """
    local = _local(t_us, offset_us)
    return f"{base}.{local.strftime('%Y%m%d_%H%M%S')}_{local.microsecond // 1000:03d}.log"


def split_event(text: str) -> int | None:
    """Where to cut an event item: after its header and first attributes (never inside a list).

    Examples
    --------
    >>> split_event("@1 x\\n\\tAttributeA\\t1\\n\\tAttributeB\\t2")
    4
    """
    lines = text.split("\n", 6)
    for j in range(1, min(len(lines), 5)):
        if lines[j].startswith("\tAttribute") and (j >= 2 or lines[0].startswith("@")):
            return len("\n".join(lines[:j]))
    return None


class SegmentWriter:
    """Stream items into rotated segment files of one application.

    Parameters
    ----------
    out_dir : Path
    base, app, app_type, host : str
        File-name base and header values.
    offset_us : int
        Local minus UTC.
    segment_size : int or None
        Rotate after this many bytes of body.
    gzip : bool
        Compress rotated segments.
    progress : callable, optional
        Called with the number of bytes written.
    """

    def __init__(self, out_dir: Path, *, base: str, app: str, app_type: str, host: str, offset_us: int,
                 segment_size: int | None, gzip: bool, progress=None):
        self.out_dir, self.base, self.app, self.app_type, self.host = Path(out_dir), base, app, app_type, host
        self.offset_us, self.segment_size, self.gzip, self.progress = offset_us, segment_size, gzip, progress
        self.files: list[Path] = []
        self._fh = None
        self._tmp = None
        self._name = None
        self._bytes = 0
        self._n = 0

    def _open(self, t_us: int) -> None:
        self._n += 1
        self._name = segment_name(self.base, t_us, self.offset_us)
        fd, tmp = tempfile.mkstemp(prefix=f".{self._name}.", suffix=".tmp", dir=self.out_dir)
        self._fh, self._tmp, self._bytes = os.fdopen(fd, "wb"), Path(tmp), 0
        self._emit(header(self.app, self.app_type, self.host, t_us, self.offset_us, self._n, self._name), body=False)

    def _emit(self, text: str, body: bool = True) -> None:
        data = text.encode("utf-8")
        self._fh.write(data)
        if body:
            self._bytes += len(data)
        if self.progress:
            self.progress(len(data))

    def _close(self, last: bool) -> None:
        self._fh.close()
        target = self.out_dir / self._name
        if self.gzip and not last:
            target = target.with_name(self._name + ".gz")
            ztmp = self._tmp.with_suffix(".gz.tmp")
            with open(self._tmp, "rb") as src, open(ztmp, "wb") as raw, \
                    gz.GzipFile(filename=self._name, mode="wb", fileobj=raw, mtime=0, compresslevel=6) as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            self._tmp.unlink()
            self._tmp = ztmp
        os.chmod(self._tmp, 0o644)
        os.replace(self._tmp, target)
        self.files.append(target)
        self._fh = None

    def write(self, items: pl.DataFrame) -> None:
        """Append sorted items (columns ``t``, ``kind``, ``text``)."""
        if items.height == 0:
            return
        texts = items["text"].to_list()
        kinds = items["kind"].to_list()
        times = items["t"].to_numpy()
        sizes = items["text"].str.len_bytes().cast(pl.Int64).to_numpy() + 1
        pos = 0
        while pos < len(texts):
            if self._fh is None:
                self._open(int(times[pos]))
            room = (self.segment_size - self._bytes) if self.segment_size else None
            cum = np.cumsum(sizes[pos:])
            if room is None or cum[-1] <= room:
                self._emit("\n".join(texts[pos:]) + "\n")
                return
            i = pos + int(np.searchsorted(cum, room, side="right"))
            if i > pos:
                self._emit("\n".join(texts[pos:i]) + "\n")
            cut = split_event(texts[i]) if kinds[i] == "event" else None
            if cut is None and self._bytes == 0:  # a single item larger than a segment
                self._emit(texts[i] + "\n")
                i += 1
                cut_rest = None
            elif cut is not None:
                self._emit(texts[i][:cut] + "\n")
                cut_rest = texts[i][cut + 1:]
            else:
                cut_rest = None
            self._close(last=False)
            if cut_rest is not None:
                self._open(int(times[i]))
                self._emit(cut_rest + "\n")
                i += 1
            pos = i

    def finish(self) -> list[Path]:
        """Close the newest segment; return all files in order."""
        if self._fh is not None:
            self._close(last=True)
        return self.files


def write_stream(chunks, out_dir: Path, **options) -> list[Path]:
    """Write an iterable of sorted item chunks as one application's segments."""
    w = SegmentWriter(out_dir, **options)
    try:
        for chunk in ([chunks] if isinstance(chunks, pl.DataFrame) else chunks):
            w.write(chunk)
        return w.finish()
    except BaseException:
        if w._fh is not None:
            w._fh.close()
            w._tmp.unlink(missing_ok=True)
        raise
