"""Time profiles (reference §5.6, TP-1 … TP-6) and time ranges (§5.7, TR-1 … TR-3).

A time profile turns the observed data window into a table of intervals
``iid, t0, t1, tau`` in whole epoch seconds (UTC): ``[t0, t1)`` is the interval
and ``tau`` its evaluation instant (``t1``, or the end of data for the last,
partial, interval). Reset instants are local wall-clock times (TIME-5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import polars as pl

from statcli.errors import UserError

PROFILE_TYPES = ("Growing", "Sliding", "Selection", "SinceLogin")
DEFAULT_PROFILE = "Growing=00:00+0:30"

_POINT = re.compile(r"^(\d{1,2}):(\d{2})(?:\+(\d{1,2}):(\d{2}))?$")
_RANGE = re.compile(r"^\s*(\d+)\s*-\s*(\d+)\s*$")


@dataclass(frozen=True)
class TimeProfile:
    """A named time profile: type (Growing, Sliding, Selection, SinceLogin) and value."""

    name: str
    type: str
    spec: str = ""

    def __str__(self) -> str:
        return f"{self.name},{self.type}={self.spec}" if self.spec else f"{self.name},{self.type}"


@dataclass(frozen=True)
class TimeRange:
    """A half-open duration range ``[lo, hi)`` in whole seconds."""

    name: str
    lo: int
    hi: int

    def __str__(self) -> str:
        return f"{self.name} ({self.lo}-{self.hi})" if self.name != f"{self.lo}-{self.hi}" else self.name


def parse_time_range(text: str, name: str | None = None) -> TimeRange:
    """Parse ``lo-hi`` (TR-1: non-negative integers, ``lo < hi``).

    Examples
    --------
    >>> parse_time_range("0-20")
    TimeRange(name='0-20', lo=0, hi=20)
    >>> parse_time_range("20-10")
    Traceback (most recent call last):
    ...
    statcli.errors.UserError: time range '20-10': need lo < hi (whole seconds, e.g. 0-20)
    """
    m = _RANGE.match(text or "")
    if not m or int(m.group(1)) >= int(m.group(2)):
        why = "need lo < hi" if m else "expected LO-HI"
        raise UserError(f"time range {text!r}: {why} (whole seconds, e.g. 0-20)")
    return TimeRange(name=name or text.strip(), lo=int(m.group(1)), hi=int(m.group(2)))


def parse_profile_line(key: str, value: str) -> TimeProfile:
    """Parse a ``[TimeProfiles]`` line ``Name,Type = value`` (``Name = value`` is Growing, TP-1a).

    Examples
    --------
    >>> parse_profile_line("Sliding5,Sliding", "300:10")
    TimeProfile(name='Sliding5', type='Sliding', spec='300:10')
    >>> parse_profile_line("Default", "00:00+0:30").type
    'Growing'
    """
    name, _, typ = key.partition(",")
    typ = typ.strip() or "Growing"
    canon = {t.lower(): t for t in PROFILE_TYPES}.get(typ.lower())
    if canon is None:
        raise UserError(f"time profile {key!r}: unknown type {typ!r} (use {', '.join(PROFILE_TYPES)})")
    prof = TimeProfile(name=name.strip(), type=canon, spec=value.strip())
    _check(prof)
    return prof


def _check(prof: TimeProfile) -> None:
    bad = None
    if prof.type == "Growing":  # "00:00 + 0:30" is written with spaces in some exports
        object.__setattr__(prof, "spec", re.sub(r"\s*([+,])\s*", r"\1", prof.spec))
    if prof.type == "Growing":
        points = [_POINT.match(p.strip().split(" ")[0]) for p in prof.spec.split(",")] if prof.spec else [None]
        bad = not all(m and int(m.group(1)) < 24 and int(m.group(2)) < 60 and
                      (m.group(4) is None or int(m.group(4)) < 60) for m in points)
    elif prof.type == "Sliding":
        m = re.match(r"^(\d+):(\d+)$", prof.spec)
        bad = not m or int(m.group(1)) <= 0 or int(m.group(2)) <= 0
    elif prof.type == "Selection":
        bad = not prof.spec.isdigit() or int(prof.spec) <= 0
    if bad:
        raise UserError(f"time profile {prof}: bad value {prof.spec!r}")


def resolve_profile(spec: str, known: dict[str, TimeProfile] | None = None) -> TimeProfile:
    """A profile from ``TYPE=SPEC``, ``Name,Type=SPEC``, ``SinceLogin`` or a known name.

    Examples
    --------
    >>> resolve_profile("Growing=00:00+0:30")
    TimeProfile(name='Growing', type='Growing', spec='00:00+0:30')
    >>> resolve_profile("SinceLogin").type
    'SinceLogin'
    """
    known = known or {}
    spec = spec.strip()
    if spec in known:
        return known[spec]
    key, eq, value = spec.partition("=")
    key = key.strip()
    if not eq:
        if key.lower() == "sincelogin":
            return TimeProfile(name="SinceLogin", type="SinceLogin")
        names = ", ".join(sorted(known)) or "none defined"
        raise UserError(f"unknown time profile {spec!r} (use TYPE=SPEC, e.g. Growing=00:00+0:30; "
                        f"named profiles: {names})")
    if "," not in key and key.lower() in {t.lower() for t in PROFILE_TYPES}:
        key = f"{key},{key}"
    return parse_profile_line(key, value)


def _tz(tz) -> ZoneInfo | timezone:
    """A tzinfo from an IANA name, ``UTC``/None, or a tzinfo passed through (e.g. a log's fixed offset)."""
    if tz is not None and not isinstance(tz, str):
        return tz
    if not tz or tz.upper() == "UTC":
        return timezone.utc
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError):
        raise UserError(f"unknown time zone {tz!r} (use an IANA name such as Europe/Berlin)") from None


def _epoch(d: date, minutes: int, zone) -> int:
    local = datetime.combine(d, time()) + timedelta(minutes=minutes)
    return int(local.replace(tzinfo=zone).timestamp())


def _growing_resets(spec: str, first: date, last: date, zone) -> list[int]:
    minutes: set[int] = set()
    for point in spec.split(","):
        point = point.strip().split(" ")[0]  # TP-5: a zone suffix is ignored
        m = _POINT.match(point)
        start = int(m.group(1)) * 60 + int(m.group(2))
        minutes.add(start)
        if m.group(3) is not None:
            step = int(m.group(3)) * 60 + int(m.group(4))
            if step > 0:
                minutes.update(range(start, 24 * 60, step))
    days = (last - first).days
    return sorted({_epoch(first + timedelta(days=k), mnt, zone)
                   for k in range(days + 1) for mnt in minutes})


def intervals(profile: TimeProfile, data_start: int, data_end: int, tz: str | None = None,
              include_end: bool = False) -> pl.DataFrame:
    """The intervals of ``profile`` covering ``[data_start, data_end]`` (epoch seconds).

    Growing: consecutive reset periods that the data touches (TP-1). Sliding:
    windows ``[t - length, t)`` at every step boundary aligned to local
    midnight (TP-2). Selection and SinceLogin: one interval over the whole
    window (the engine narrows it, TP-3 / TP-4).

    With ``include_end``, an interval that starts exactly at ``data_end`` is
    kept (it holds the data's last instant, e.g. an action ending there).

    Returns
    -------
    polars.DataFrame
        ``iid`` (UInt32), ``t0``, ``t1``, ``tau`` (Int64 epoch seconds) and
        ``partial`` (the data ends before ``t1``).

    Examples
    --------
    >>> p = resolve_profile("Growing=00:00+0:30")
    >>> iv = intervals(p, 36000, 37000)          # 10:00:00 .. 10:16:40 UTC on 1970-01-01
    >>> iv.select("t0", "t1", "tau", "partial").rows()
    [(36000, 37800, 37000, True)]
    """
    zone = _tz(tz)
    if data_end <= data_start:
        data_end, include_end = data_start + 1, False
    if profile.type == "Growing":
        first = datetime.fromtimestamp(data_start, zone).date() - timedelta(days=1)
        last = datetime.fromtimestamp(data_end, zone).date() + timedelta(days=1)
        resets = _growing_resets(profile.spec, first, last, zone)
        bounds = [(a, b) for a, b in zip(resets, resets[1:])
                  if b > data_start and (a < data_end or (include_end and a == data_end))]
    elif profile.type == "Sliding":
        length, step = (int(x) for x in profile.spec.split(":"))
        offset = int(datetime.fromtimestamp(data_start, zone).utcoffset().total_seconds())
        k0 = (data_start + offset) // step + 1
        k1 = -(-(data_end + offset) // step) + (1 if include_end and (data_end + offset) % step == 0 else 0)
        bounds = [(k * step - offset - length, k * step - offset) for k in range(k0, k1 + 1)]
    else:
        bounds = [(data_start, data_end)]
    t0 = [a for a, _ in bounds]
    t1 = [b for _, b in bounds]
    return pl.DataFrame(
        {"iid": list(range(len(bounds))), "t0": t0, "t1": t1},
        schema={"iid": pl.UInt32, "t0": pl.Int64, "t1": pl.Int64},
    ).with_columns(
        tau=pl.min_horizontal("t1", pl.lit(data_end, pl.Int64)),
        partial=pl.col("t1") > data_end,
    )
