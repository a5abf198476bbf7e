"""A contact centre in a box: realistic SIP Server and OCS logs with ground truth.

:func:`simulate` draws a deterministic day (or hour) of a small contact centre —
agents logging in, going ready and not ready, inbound calls through a routing
point, ACD queues and virtual queues, holds, consult transfers, conferences,
abandons, ring-no-answer redirects, outbound and internal calls, a T-Server
link outage — and writes it as SIP Server log segments in the real format of
``reference/log-formats.md``, optionally an OCS log of an outbound campaign,
plus ``ground_truth.parquet`` and ``objects.toml``.

Pipeline (each step vectorized): :mod:`.timeline` (numpy draws) →
:mod:`.flows` (events table) → :mod:`.tserver_text` / :mod:`.ocs_text`
(text items) → :mod:`.writer` (segments); :mod:`.truth` (intervals).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from statcli.errors import UserError
from statcli.simulate.config import SimConfig
from statcli.simulate.flows import build_events
from statcli.simulate.timeline import Plan, draw_plan
from statcli.simulate.topology import Topology, build_topology, objects_toml
from statcli.simulate.truth import GROUND_TRUTH, ground_truth
from statcli.simulate.tserver_text import ITEM_SCHEMA, event_items, local_clock

__all__ = ["simulate", "simulate_frames", "SimConfig", "SimResult", "Frames", "GROUND_TRUTH"]


@dataclass
class Frames:
    """The in-memory tables of a run (no files written)."""

    config: SimConfig
    topology: Topology
    plan: Plan
    events: pl.DataFrame
    truth: pl.DataFrame
    campaign: pl.DataFrame | None = None


@dataclass
class SimResult:
    """What :func:`simulate` wrote.

    Attributes
    ----------
    tserver_files, backup_files, ocs_files : list of Path
        Log segments, in order.
    truth_file, objects_file : Path
    events, calls, bytes : int
        Number of TEvents, of distinct ConnIDs, and of log bytes written (uncompressed).
    """

    out_dir: Path
    tserver_files: list[Path] = field(default_factory=list)
    backup_files: list[Path] = field(default_factory=list)
    ocs_files: list[Path] = field(default_factory=list)
    truth_file: Path | None = None
    campaign_file: Path | None = None
    objects_file: Path | None = None
    events: int = 0
    calls: int = 0
    bytes: int = 0


def simulate_frames(config: SimConfig | None = None, **options) -> Frames:
    """Run the model and return its tables without writing anything.

    Parameters
    ----------
    config : SimConfig, optional
        The run's options; keyword ``options`` build one when omitted.

    Examples
    --------
    >>> f = simulate_frames(agents=2, hours=0.25, seed=7)
    >>> f.events.filter(pl.col("event") == "EventRegistered").height > 0
    True
    """
    cfg = config or SimConfig(**options)
    topo = build_topology(cfg.agents, cfg.queues)
    plan = draw_plan(cfg, topo)
    events = build_events(cfg, topo, plan)
    campaign = None
    if cfg.ocs:
        from statcli.simulate.ocs_model import attach_campaign
        events, campaign = attach_campaign(cfg, topo, plan, events)
    truth = ground_truth(events, plan.sessions, topo, cfg.t0_us, plan.outage)
    return Frames(cfg, topo, plan, events, truth, campaign)


def _utc_columns(df: pl.DataFrame) -> pl.DataFrame:
    """µs integer time columns of the campaign table as UTC timestamps."""
    times = ["loaded", "started", "mode_change", "stopped", "unloaded", "dialed", "released", "reported"]
    return df.with_columns([pl.from_epoch(c, "us").dt.replace_time_zone("UTC") for c in times if c in df.columns])


def _std_items(cfg: SimConfig, end: int) -> pl.DataFrame:
    """Application start line and hourly ``Trc 04120 Check point`` lines."""
    t0 = cfg.t0_us
    hour = 3_600_000_000
    first = (t0 + cfg.offset_us) // hour * hour + hour - cfg.offset_us
    checks = np.arange(first, end, hour, dtype=np.int64)
    # the logging library writes a check point right after start-up, then every hour
    ts = pl.DataFrame({"t": np.concatenate([[t0, t0 + 50_000], checks]).astype(np.int64)})
    clock, ms, _ = local_clock(pl.col("t"), cfg)
    iso = pl.from_epoch(pl.col("t") + cfg.offset_us, time_unit="us").dt.strftime("%Y-%m-%dT%H:%M:%S")
    text = pl.when(pl.col("t") == t0).then(clock + pl.lit(".") + ms + pl.lit(" Std 05060 Application started")) \
        .otherwise(clock + pl.lit(".") + ms + pl.lit(" Trc 04120 Check point ") + iso)
    return ts.select("t", seq=pl.lit(-1, pl.Int64), sub=pl.lit(-2, pl.Int8), kind=pl.lit("std"), text=text)


def _link_items(cfg: SimConfig, plan: Plan) -> pl.DataFrame:
    """Trace and standard lines around the link outage (SIP Server side)."""
    if not plan.outage:
        return pl.DataFrame(schema=ITEM_SCHEMA)
    ts = pl.DataFrame({"t": list(plan.outage), "up": [False, True]})
    clock, ms, _ = local_clock(pl.col("t"), cfg)
    text = pl.when(pl.col("up")).then(clock + pl.lit(".") + ms + pl.lit(": $*:SIP:CTI:LINK_CONNECTED:5")) \
        .otherwise(clock + pl.lit(".") + ms + pl.lit(": $*:SIP:CTI:LINK_DISCONNECTED:5"))
    return ts.select(pl.col("t") - 1000, seq=pl.lit(-1, pl.Int64), sub=pl.lit(-2, pl.Int8), kind=pl.lit("trace"),
                     text=text)


CHUNK_EVENTS = 100_000


def item_chunks(events: pl.DataFrame, extra: pl.DataFrame, cfg: SimConfig, *, backup: bool = False,
                size: int = CHUNK_EVENTS):
    """Yield the log's items in order, rendered chunk by chunk on a small thread pool.

    Events are sorted by time and sequence number, so consecutive row ranges are
    consecutive pieces of the log; a standalone line (``extra``) joins the chunk
    whose time range contains it.
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    bounds = list(range(0, max(events.height, 1), size))
    firsts = events["t"].gather(bounds[1:]).to_numpy() if len(bounds) > 1 else np.array([], np.int64)
    where = np.searchsorted(firsts, extra["t"].to_numpy(), side="right")
    extra = extra.with_columns(chunk=pl.Series(where.astype(np.int64)))

    def render(j: int) -> pl.DataFrame:
        ev = events.slice(bounds[j], size)
        mine = extra.filter(pl.col("chunk") == j).drop("chunk")
        return pl.concat([mine, event_items(ev, cfg, backup=backup)], how="vertical_relaxed").sort("t", "seq", "sub")

    with ThreadPoolExecutor(max_workers=2) as pool:
        pending: deque = deque()
        for j in range(len(bounds)):
            pending.append(pool.submit(render, j))
            if len(pending) >= 3:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def simulate(out_dir: str | Path, config: SimConfig | None = None, *, progress=None, **options) -> SimResult:
    """Write a simulated contact centre's logs, ground truth and objects configuration.

    Parameters
    ----------
    out_dir : str or Path
        Output directory (created if missing).
    config : SimConfig, optional
        Options; otherwise built from keyword ``options`` (``agents``, ``queues``,
        ``hours``, ``calls_per_hour``, ``seed``, ``segment_size``, ``gzip``, ``ocs``,
        ``backup``, ``start``, ``utc_offset_minutes``).
    progress : callable, optional
        Called with the number of bytes written after each segment.

    Returns
    -------
    SimResult

    Examples
    --------
    >>> import tempfile
    >>> r = simulate(tempfile.mkdtemp(), agents=2, hours=0.25, seed=5)
    >>> [p.name for p in r.tserver_files]
    ['SIP_P.20260116_080000_000.log']
    >>> r.truth_file.name
    'ground_truth.parquet'
    """
    from statcli.render.writers import write_parquet
    from statcli.simulate.writer import write_stream

    cfg = config or SimConfig(**options)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create output directory {out}: {exc.strerror}") from None
    f = simulate_frames(cfg)
    res = SimResult(out_dir=out, events=f.events.height, calls=f.events["conn_id"].drop_nulls().n_unique())
    common = dict(host="sipsrv01.example.com", offset_us=cfg.offset_us, segment_size=cfg.segment_size,
                  gzip=cfg.gzip)

    def count(n: int) -> None:
        res.bytes += n
        if progress:
            progress(n)

    std = _std_items(cfg, f.plan.end)
    extra = pl.concat([std, _link_items(cfg, f.plan)], how="vertical_relaxed")
    res.tserver_files = write_stream(item_chunks(f.events, extra, cfg), out, base=cfg.app_name, app=cfg.app_name,
                                     app_type="TServer (SIP Server)", progress=count, **common)
    if cfg.backup:
        backup = cfg.app_name[:-1] + "B" if cfg.app_name.endswith("P") else cfg.app_name + "_B"
        res.backup_files = write_stream(item_chunks(f.events, std, cfg, backup=True), out, base=backup, app=backup,
                                        app_type="TServer (SIP Server)", progress=count,
                                        **{**common, "host": "sipsrv02.example.com"})
    if cfg.ocs and f.campaign is not None:
        from statcli.simulate.ocs_text import ocs_items
        items = ocs_items(f, cfg)
        res.ocs_files = write_stream(items, out, base="OCS", app="OCS", app_type="OCServer (Outbound Contact Server)",
                                     progress=count, **{**common, "host": "ocs01.example.com", "segment_size": None,
                                                        "gzip": False})
    if f.campaign is not None:
        res.campaign_file = write_parquet(_utc_columns(f.campaign), out / "campaign_truth.parquet", "campaign_truth",
                                          {"statcli.simulate.seed": str(cfg.seed)})
    res.truth_file = write_parquet(f.truth, out / "ground_truth.parquet", "ground_truth",
                                   {"statcli.simulate.seed": str(cfg.seed)})
    for p in (res.truth_file, res.campaign_file):
        if p is not None:
            p.chmod(0o644)  # plain data files, readable like the logs next to them
    res.objects_file = out / "objects.toml"
    res.objects_file.write_text(objects_toml(f.topology), encoding="utf-8")
    return res
