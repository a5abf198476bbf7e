"""Options of one simulation run."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from statcli.errors import UserError


@dataclass(frozen=True)
class SimConfig:
    """Everything that determines a simulated log set (same config → same bytes).

    Parameters
    ----------
    agents, queues : int
        Size of the site.
    hours : float
        Length of the simulated period.
    calls_per_hour : float
        Inbound calls offered to the routing point per hour.
    seed : int
        Random seed.
    start : str
        Local wall-clock start, ISO ``YYYY-MM-DDTHH:MM:SS``.
    utc_offset_minutes : int
        Local time minus UTC (−300 = UTC−5, header ``Time zone: 18000``).
    segment_size : int or None
        Rotate the main log every this many bytes (None: one segment).
    gzip, ocs, backup : bool
        Gzip segments; write an OCS log; write the backup server's log.
    app_name : str
        Application name of the primary SIP Server.
    """

    agents: int = 6
    queues: int = 1
    hours: float = 1.0
    calls_per_hour: float = 60.0
    seed: int = 1
    start: str = "2026-01-16T08:00:00"
    utc_offset_minutes: int = -300
    segment_size: int | None = None
    gzip: bool = False
    ocs: bool = False
    backup: bool = False
    app_name: str = "SIP_P"

    def __post_init__(self):
        if self.agents < 1 or self.agents > 20000:
            raise UserError(f"--agents must be between 1 and 20000, not {self.agents}")
        if self.queues < 1 or self.queues > 200:
            raise UserError(f"--queues must be between 1 and 200, not {self.queues}")
        if not 0.05 <= self.hours <= 24 * 31:
            raise UserError(f"--hours must be between 0.05 and 744, not {self.hours}")
        if self.calls_per_hour < 0:
            raise UserError("--calls-per-hour must not be negative")
        if self.segment_size is not None and self.segment_size < 4096:
            raise UserError("--segment-size must be at least 4 KB")
        self.start_local  # validates

    @property
    def start_local(self) -> datetime:
        """The naive local start time."""
        try:
            return datetime.fromisoformat(self.start).replace(tzinfo=None)
        except ValueError:
            raise UserError(f"start must be ISO YYYY-MM-DDTHH:MM:SS, not {self.start!r}") from None

    @property
    def t0_us(self) -> int:
        """The start as UTC epoch microseconds."""
        utc = self.start_local - timedelta(minutes=self.utc_offset_minutes)
        return int(utc.replace(tzinfo=timezone.utc).timestamp()) * 1_000_000

    @property
    def offset_us(self) -> int:
        """Local minus UTC in microseconds."""
        return self.utc_offset_minutes * 60_000_000

    @property
    def span_us(self) -> int:
        """Length of the run in microseconds."""
        return int(round(self.hours * 3600)) * 1_000_000
