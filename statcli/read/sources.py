"""Where log text comes from: files, folders, globs, stdin, ``.gz`` and ``.zip``.

A *segment* is one physical log file (or archive member). Segments of one
application are grouped into a *stream* by the application name and host in
their header (log-formats §2.1) and ordered by the header's ``File: (n)``
number, then by the fixed-width ``YYYYMMDD_HHMMSS_mmm`` stamp in the name, so
that rotated files are read as one continuous log (§2.4).

Nothing is extracted to disk; each segment is decompressed in memory when it
is its turn, so memory is bounded by one segment.
"""

from __future__ import annotations

import glob
import gzip
import io
import os
import re
import sys
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from statcli.errors import UserError

#: File names (lower-case endings) read when a folder is given. Explicit files are always read.
LOG_SUFFIXES = (".log", ".log.gz", ".gz", ".zip", ".txt")
#: Files the logging library writes beside the log that duplicate or are not log text (§2.1).
IGNORED_SUFFIXES = (".qsp", ".snapshot.log", ".memory.log")

_STAMP = re.compile(r"(\d{8})_(\d{6})_(\d{3})")
_HEADER_LABEL = re.compile(r"^(Application name|Application type|Host name|Local time|Start time \(UTC\)|"
                           r"Time zone|File|HA Role|My Node ID|Command line|Application version|"
                           r"Hostname|OS|PID|Start time|UTC START TIME|Genesys [^:]*):[ \t]*(.*)$")


@dataclass
class Header:
    """The header block of a segment (log-formats §2.3)."""

    fields: dict[str, str] = field(default_factory=dict)
    n_lines: int = 0  # lines of the header including the blank line that ends it

    @property
    def app_name(self) -> str | None:
        return self.fields.get("Application name") or None

    @property
    def app_type(self) -> str | None:
        return self.fields.get("Application type") or None

    @property
    def host(self) -> str | None:
        return self.fields.get("Host name") or None

    @property
    def local_time(self) -> datetime | None:
        return _parse_iso(self.fields.get("Local time"))

    @property
    def start_utc(self) -> datetime | None:
        return _parse_iso(self.fields.get("Start time (UTC)"))

    @property
    def utc_offset(self) -> int | None:
        """``Local time`` − ``Start time (UTC)`` in seconds, in quarter hours; None without both."""
        if self.local_time is None or self.start_utc is None:
            return None
        return int(round((self.local_time - self.start_utc).total_seconds() / 900.0)) * 900

    @property
    def file_number(self) -> int | None:
        m = re.match(r"\((\d+)\)", self.fields.get("File", ""))
        return int(m.group(1)) if m else None


def _parse_iso(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip().replace(" ", "T"))
    except ValueError:
        return None


def parse_header(lines: list[str]) -> Header:
    """Parse the header block at the top of a segment.

    The header runs from the first line to the first empty line, and only
    exists when the first line is a known ``Label: value`` line.

    Examples
    --------
    >>> h = parse_header(["Application name: SIPS_B", "Host name:        h1", "", "12:00:00.000 Std 05060 x"])
    >>> (h.app_name, h.host, h.n_lines)
    ('SIPS_B', 'h1', 3)
    >>> parse_header(["@12:00:00.0000 [0] 8.1 distribute_event: message EventACK"]).n_lines
    0
    """
    first = lines[0].lstrip("\ufeff") if lines else ""
    if not _HEADER_LABEL.match(first):
        return Header()
    fields: dict[str, str] = {}
    n = 0
    for n, raw in enumerate(lines, start=1):
        line = raw.lstrip("\ufeff").rstrip("\r")
        if not line.strip():
            return Header(fields, n)
        m = _HEADER_LABEL.match(line)
        if m:
            fields.setdefault(m.group(1), m.group(2).strip())
    # No blank line seen in what was peeked: the header is all of it.
    return Header(fields, n)


@dataclass
class Segment:
    """One physical log file or archive member.

    Attributes
    ----------
    name : str
        Display name: the path as given, ``archive.zip:member`` or ``-``.
    size : int
        Bytes on disk (compressed size for archives), for progress bars.
    opener : callable
        Returns the uncompressed bytes of the whole segment.
    """

    name: str
    size: int
    opener: Callable[[], bytes]
    peeker: Callable[[int], bytes] | None = None
    _header: Header | None = None
    path: str | None = None  # a plain (uncompressed) file: read straight into a buffer

    @property
    def stamp(self) -> str | None:
        """The ``YYYYMMDD_HHMMSS_mmm`` stamp of the file name, if any."""
        m = _STAMP.search(os.path.basename(self.name))
        return m.group(0) if m else None

    @property
    def stamp_time(self) -> datetime | None:
        """The file-name stamp as a datetime (last-resort date anchor, §3.5)."""
        stamp = self.stamp
        if not stamp:
            return None
        try:
            return datetime.strptime(stamp, "%Y%m%d_%H%M%S_%f")
        except ValueError:
            return None

    @property
    def base(self) -> str:
        """The file name without its stamp and suffixes: the stream key of headerless files."""
        name = os.path.basename(self.name.split(":")[-1])
        name = _STAMP.sub("", name)
        for suffix in (".gz", ".log", ".txt"):
            if name.endswith(suffix):
                name = name[: -len(suffix)]
        return name.rstrip("._-") or name

    def read_bytes(self) -> bytes:
        """The segment's uncompressed bytes (raises UserError when unreadable)."""
        return self.opener()

    def read_into(self, prefix: bytes = b"", pad: int = 32) -> np.ndarray:
        """``prefix``, the segment's bytes and ``pad`` zero bytes in one ``uint8`` array.

        A plain file is read straight into the array: a large segment is copied
        once, from the page cache, and its pages are not zeroed first.

        Examples
        --------
        >>> bytes(Segment("-", 2, lambda: b"ab").read_into(b"x\\n", pad=2))
        b'x\\nab\\x00\\x00'
        """
        if self.path is not None:
            try:
                with open(self.path, "rb", buffering=0) as fh:  # unbuffered: straight into the array
                    size = os.fstat(fh.fileno()).st_size
                    room = np.empty(len(prefix) + size + pad, dtype=np.uint8)
                    room[:len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
                    got = fh.readinto(memoryview(room)[len(prefix):len(prefix) + size]) or 0
            except OSError as exc:
                raise UserError(f"cannot read {self.path}: {exc.strerror or exc}") from None
            room[len(prefix) + got:] = 0
            return room[:len(prefix) + got + pad]
        data = self.read_bytes()
        room = np.empty(len(prefix) + len(data) + pad, dtype=np.uint8)
        room[:len(prefix)] = np.frombuffer(prefix, dtype=np.uint8)
        room[len(prefix):len(prefix) + len(data)] = np.frombuffer(data, dtype=np.uint8)
        room[len(prefix) + len(data):] = 0
        return room

    def header(self) -> Header:
        """The segment's header, read from its first bytes."""
        if self._header is None:
            data = self.peeker(16384) if self.peeker else self.read_bytes()[:16384]
            head = data.decode("utf-8", errors="replace").split("\n")
            self._header = parse_header(head)
        return self._header


def _gunzip(path: str, data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise UserError(f"corrupt gzip file {path}: {exc}") from None


def _file_opener(path: str) -> Callable[[], bytes]:
    def read() -> bytes:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise UserError(f"cannot read {path}: {exc.strerror or exc}") from None
        return _gunzip(path, data) if path.lower().endswith(".gz") else data
    return read


def _file_peeker(path: str) -> Callable[[int], bytes]:
    def peek(n: int) -> bytes:
        try:
            if path.lower().endswith(".gz"):
                with gzip.open(path) as fh:
                    return fh.read(n)
            with open(path, "rb") as fh:
                return fh.read(n)
        except (OSError, EOFError, zlib.error) as exc:
            what = "corrupt gzip file" if path.lower().endswith(".gz") else "cannot read"
            raise UserError(f"{what} {path}: {exc}") from None
    return peek


def _zip_segments(path: str) -> list[Segment]:
    try:
        archive = zipfile.ZipFile(path)
        infos = [i for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError) as exc:
        raise UserError(f"corrupt zip archive {path}: {exc}") from None
    segments = []
    for info in infos:
        member = info.filename
        if member.lower().endswith(IGNORED_SUFFIXES):
            continue

        def read(member=member) -> bytes:
            try:
                with zipfile.ZipFile(path) as zf:
                    data = zf.read(member)
            except (zipfile.BadZipFile, OSError, zlib.error) as exc:
                raise UserError(f"corrupt zip member {path}:{member}: {exc}") from None
            return _gunzip(f"{path}:{member}", data) if member.lower().endswith(".gz") else data

        def peek(n: int, member=member) -> bytes:
            try:
                with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
                    head = fh.read(n if not member.lower().endswith(".gz") else 1 << 20)
            except (zipfile.BadZipFile, OSError, zlib.error) as exc:
                raise UserError(f"corrupt zip member {path}:{member}: {exc}") from None
            if member.lower().endswith(".gz"):
                try:
                    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, n)
                except zlib.error as exc:
                    raise UserError(f"corrupt gzip member {path}:{member}: {exc}") from None
            return head

        segments.append(Segment(f"{path}:{member}", info.compress_size, read, peek))
    return segments


def _is_log_name(name: str) -> bool:
    low = name.lower()
    return low.endswith(LOG_SUFFIXES) and not low.endswith(IGNORED_SUFFIXES)


def _segments_of_file(path: str) -> list[Segment]:
    if path.lower().endswith(".zip"):
        return _zip_segments(path)
    plain = None if path.lower().endswith(".gz") else path
    return [Segment(path, os.path.getsize(path), _file_opener(path), _file_peeker(path), path=plain)]


def collect_segments(sources: str | os.PathLike | Iterable[str | os.PathLike], *,
                     stdin: io.BufferedIOBase | None = None) -> list[Segment]:
    """Expand sources into segments.

    Parameters
    ----------
    sources : path, glob, ``-`` or an iterable of them
        Files (any name), folders (searched recursively for ``*.log``,
        ``*.gz``, ``*.zip``, ``*.txt``), glob patterns, and ``-`` for standard
        input.
    stdin : binary stream, optional
        Used for ``-`` (default ``sys.stdin.buffer``).

    Returns
    -------
    list of Segment

    Raises
    ------
    UserError
        A source that does not exist, a folder without logs, nothing to read.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "a.20260101_000000_000.log").write_text("x\\n")
    >>> [s.stamp for s in collect_segments(d)]
    ['20260101_000000_000']
    """
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    segments: list[Segment] = []
    for src in sources:
        src = os.fspath(src)
        if src == "-":
            stream = stdin or sys.stdin.buffer
            data = stream.read()
            if data[:2] == b"\x1f\x8b":
                data = _gunzip("<stdin>", data)
            segments.append(Segment("-", len(data), lambda data=data: data))
        elif os.path.isdir(src):
            found = sorted(
                os.path.join(root, f)
                for root, _, files in os.walk(src)
                for f in files
                if _is_log_name(f) and not f.startswith(".")
            )
            if not found:
                raise UserError(f"no log files (*.log, *.gz, *.zip, *.txt) in directory {src}")
            for path in found:
                segments.extend(_segments_of_file(path))
        elif os.path.isfile(src):
            segments.extend(_segments_of_file(src))
        elif glob.has_magic(src):
            matches = sorted(p for p in glob.glob(src, recursive=True) if os.path.isfile(p))
            if not matches:
                raise UserError(f"no files match {src}")
            for path in matches:
                segments.extend(_segments_of_file(path))
        else:
            raise UserError(f"no such file or directory: {src}")
    if not segments:
        raise UserError("no input to read")
    return segments


@dataclass
class Stream:
    """Segments of one application, in reading order."""

    key: str
    segments: list[Segment]


def group_streams(segments: list[Segment]) -> list[Stream]:
    """Group segments into streams and order each stream (log-formats §2.1, §2.4).

    The stream key is the header's application name and host; headerless
    files are keyed by their name without the rotation stamp. Within a stream,
    segments are ordered by header ``File: (n)``, then by name stamp, then by
    name.

    Examples
    --------
    >>> segs = [Segment("x.20260101_010000_000.log", 0, lambda: b""),
    ...         Segment("x.20260101_000000_000.log", 0, lambda: b"")]
    >>> [s.name for s in group_streams(segs)[0].segments]
    ['x.20260101_000000_000.log', 'x.20260101_010000_000.log']
    """
    streams: dict[str, list[Segment]] = {}
    for seg in segments:
        header = seg.header()
        key = f"{header.app_name}@{header.host}" if header.app_name else seg.base
        streams.setdefault(key, []).append(seg)
    ordered = []
    for key, segs in streams.items():
        segs.sort(key=lambda s: (s.header().file_number is None, s.header().file_number or 0,
                                 s.stamp or "", s.name))
        ordered.append(Stream(key, segs))
    return ordered
