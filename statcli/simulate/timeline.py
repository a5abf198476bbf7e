"""Agent timelines: who does what when, drawn with numpy, no per-event loop.

Each agent's shift is cut into *sessions* (before and after the simulated link
outage). A session starts with an initial state (fresh login, or the state a
registration snapshot reports) and is then filled with *cycles*: an idle gap
in Ready followed by one activity (an inbound call, a ring-no-answer, an
outbound call, …). Cycles are drawn for all agents at once as an
``(agents, K)`` matrix; cumulative sums give their start times and the cycles
that would run past the session end are dropped. Because an agent's cycles
follow each other, no two activities ever overlap on an agent DN.

Back-office extensions are shared by all agents; transfers, conferences and
internal calls that would overlap on one of them are downgraded to plain calls
with the same agent-side timing (a conservative running-maximum test).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from statcli.simulate.config import SimConfig
from statcli.simulate.topology import Topology

S = 1_000_000  # microseconds per second

#: Activity kinds and their default shares.
KINDS = ("in", "ring_abandon", "rona", "out", "internal", "not_ready")
SHARES = np.array([0.70, 0.04, 0.03, 0.10, 0.04, 0.09])
#: With an outbound campaign running the agents dial more.
SHARES_OCS = np.array([0.55, 0.04, 0.03, 0.25, 0.04, 0.09])
NOT_READY_REASONS = ("Break", "Lunch", "Training", "Meeting", "Coaching")
#: Features forced into the first cycles so every flow occurs even in a short run.
FORCED = (("in", "hold"), ("in", "transfer"), ("in", "conference"), ("rona", "none"),
          ("ring_abandon", "none"), ("out", "none"), ("internal", "none"), ("not_ready", "none"),
          ("in", "none"), ("out", "none"))


@dataclass
class Plan:
    """The drawn timeline of a run.

    Attributes
    ----------
    sessions : polars.DataFrame
        One row per agent session: ``agent``, ``session``, ``start``, ``end``,
        ``init`` (``login`` or the AgentStatus 2–5 a snapshot reports),
        ``init_end`` (when the initial state ends with EventAgentReady),
        ``logout`` (the session ends with EventAgentLogout).
    cycles : polars.DataFrame
        One row per agent activity with its kind, times and durations (µs).
    queue_abandons : polars.DataFrame
        Calls that never reach an agent (abandoned in an ACD or virtual queue).
    outage : tuple of int or None
        (link disconnected, link connected) times, µs UTC.
    registrations : list of int
        Times at which Stat Server (re-)registers all DNs.
    end : int
        End of the simulated period, µs UTC.
    """

    sessions: pl.DataFrame
    cycles: pl.DataFrame
    queue_abandons: pl.DataFrame
    outage: tuple[int, int] | None
    registrations: list[int]
    end: int


def _us(x) -> np.ndarray:
    return np.round(np.asarray(x) * S).astype(np.int64)


def _sessions(cfg: SimConfig, rng: np.random.Generator, n: int) -> tuple[pl.DataFrame, tuple | None, list[int], int]:
    t0, span = cfg.t0_us, cfg.span_us
    end = t0 + span
    reg_len = 2 * S + 2_000 * (n + 16)
    if span >= 600 * S:
        out_at = t0 + int(span * 0.6) // S * S + 123_400
        back = out_at + 8 * S
        outage = (out_at, back)
        regs = [t0 + S // 2, back + S // 2]
        bounds = [(t0 + reg_len, out_at - 2 * S), (back + reg_len, end - 5 * S)]
    else:
        outage, regs = None, [t0 + S // 2]
        bounds = [(t0 + reg_len, end - 5 * S)]
    idx = np.arange(n)
    logged_in = idx % 3 != 1
    first_len = bounds[0][1] - bounds[0][0]
    login_at = bounds[0][0] + _us(rng.uniform(5, max(6.0, min(600.0, 0.2 * first_len / S)), n))
    status = np.array([2, 3, 4, 5])[(np.cumsum(logged_in) - 1) % 4]
    init_dur = _us(rng.uniform(20, 240, n))
    ready_after_login = _us(rng.uniform(2, 20, n))
    last_len = bounds[-1][1] - bounds[-1][0]
    logs_out = (idx % 3 == 2) & (last_len > 900 * S)
    logout_at = bounds[-1][1] - _us(rng.uniform(60, 600, n))
    rows = []
    for s, (b0, b1) in enumerate(bounds):
        start = np.where(logged_in | (s > 0), b0, login_at)
        init = np.where(s > 0, "2", np.where(logged_in, status.astype(str), "login"))
        first = np.where(init == "login", ready_after_login, np.where(init == "2", 0, init_dur))
        stop = np.where(logs_out & (s == len(bounds) - 1), logout_at, b1)
        rows.append(pl.DataFrame({
            "agent": idx.astype(np.int32), "session": np.full(n, s, np.int32),
            "start": start, "end": stop, "init": init, "init_end": start + first,
            "logout": logs_out & (s == len(bounds) - 1),
        }))
    return pl.concat(rows), outage, regs, end


def _draw_cycles(cfg: SimConfig, rng: np.random.Generator, sessions: pl.DataFrame, n: int) -> pl.DataFrame:
    """Draw the activities of every session as one flat table."""
    inbound_share = SHARES[:3].sum()
    per_agent_h = max(cfg.calls_per_hour, 1e-6) * 0.92 / n / inbound_share
    mean_cycle = 3600.0 / per_agent_h
    mean_gap = max(4.0, mean_cycle - 215.0)
    span_s = (sessions["end"] - sessions["init_end"]).max() / S
    k = int(min(20000, max(4, span_s / max(mean_cycle, 60.0) * 1.8 + 12)))
    m = sessions.height
    shape = (m, k)

    shares = SHARES_OCS if cfg.ocs else SHARES
    kind = rng.choice(len(KINDS), size=shape, p=shares / shares.sum())
    feat = rng.choice(4, size=shape, p=[0.62, 0.25, 0.08, 0.05])  # none, hold, transfer, conference
    # Forced features in the first cycles of the first session of the first agents.
    for j, (fk, ff) in enumerate(FORCED):
        row, col = j % min(n, m), j // min(n, m)
        if col < k:
            kind[row, col] = KINDS.index(fk)
            feat[row, col] = ("none", "hold", "transfer", "conference").index(ff)
    d = {
        "gap": rng.exponential(mean_gap, shape) + 2.0,
        "ring": rng.uniform(2.0, 10.0, shape),
        "talk": np.clip(rng.lognormal(np.log(150), 0.6, shape), 20, 1800),
        "hold_off": rng.uniform(0.2, 0.6, shape),
        "hold": rng.uniform(10, 60, shape),
        "acw": rng.uniform(10, 60, shape),
        "wait": rng.exponential(25, shape) + 1.0,
        "nr": rng.uniform(60, 600, shape),
        "rona_nr": rng.uniform(30, 120, shape),
        "consult_ring": rng.uniform(3, 8, shape),
        "consult": rng.uniform(20, 60, shape),
        "after": rng.uniform(60, 240, shape),   # target's talk after a transfer / rest after a conference
        "conf": rng.uniform(30, 90, shape),
        "dial": rng.uniform(5, 20, shape),
        "requeue_wait": rng.uniform(5, 40, shape),
    }
    answered = rng.random(shape) < 0.65
    local_release = rng.random(shape) < 0.3
    acd_path = rng.random(shape) < 0.6
    reason = rng.integers(0, len(NOT_READY_REASONS), shape)
    sup = rng.integers(0, 2, shape)
    ani = rng.integers(2_000_000_000, 9_999_999_999, shape)
    kinds = np.array(KINDS)[kind]
    feats = np.array(["none", "hold", "transfer", "conference"])[feat]
    feats = np.where(kinds == "in", feats, "none")

    ring, talk = d["ring"], d["talk"]
    x_at = ring + talk * d["hold_off"]  # transfer / conference / hold starts
    consult_end = x_at + 0.11 + d["consult_ring"] + d["consult"]
    rel_in = np.select(
        [feats == "hold", feats == "transfer", feats == "conference"],
        [ring + talk + d["hold"], consult_end + 0.02, consult_end + 0.05 + d["conf"] + d["after"]],
        ring + talk)
    in_act = np.where(feats == "transfer", np.maximum(rel_in + 1.0 + d["acw"], rel_in + d["after"] + 0.5),
                      rel_in + 1.0 + d["acw"])
    d["requeue_wait"] = np.minimum(d["requeue_wait"], d["rona_nr"])
    act = np.select(
        [kinds == "in", kinds == "ring_abandon", kinds == "rona", kinds == "out", kinds == "internal"],
        [in_act, ring, 12.0 + 0.2 + d["rona_nr"],
         np.where(answered, d["dial"] + talk + 1.0 + d["acw"] * 0.5, 25.0),
         d["ring"] + talk * 0.4 + 0.01],
        d["nr"])
    total = d["gap"] + act
    starts = sessions["init_end"].to_numpy()[:, None] + np.cumsum(_us(total), axis=1) - _us(act)
    fits = starts + _us(act) <= sessions["end"].to_numpy()[:, None] - 2 * S
    sel = fits.ravel()
    flat = {name: arr.ravel()[sel] for name, arr in d.items()}
    out = pl.DataFrame({
        "agent": np.repeat(sessions["agent"].to_numpy(), k)[sel],
        "session": np.repeat(sessions["session"].to_numpy(), k)[sel],
        "kind": kinds.ravel()[sel], "feature": feats.ravel()[sel],
        "t": starts.ravel()[sel],
        **{name: _us(v) for name, v in flat.items()},
        "x_at": _us(x_at.ravel()[sel]), "rel_in": _us(rel_in.ravel()[sel]),
        "answered": answered.ravel()[sel], "local_release": local_release.ravel()[sel],
        "acd": acd_path.ravel()[sel], "reason": np.array(NOT_READY_REASONS)[reason.ravel()[sel]],
        "sup": sup.ravel()[sel].astype(np.int32), "ani": ani.ravel()[sel].astype(str),
    })
    return out.sort("t", "agent").with_row_index("cid", offset=1_000).with_columns(pl.col("cid").cast(pl.Int64))


def _deconflict(cycles: pl.DataFrame) -> pl.DataFrame:
    """Downgrade back-office work that would overlap on a shared extension."""
    uses = (pl.col("kind") == "internal") | pl.col("feature").is_in(["transfer", "conference"])
    s_start = pl.when(pl.col("kind") == "internal").then(pl.col("t")).otherwise(pl.col("t") + pl.col("x_at"))
    s_end = (pl.when(pl.col("kind") == "internal").then(pl.col("t") + pl.col("ring") + pl.col("talk") * 2 // 5)
             .when(pl.col("feature") == "transfer").then(pl.col("t") + pl.col("rel_in") + pl.col("after"))
             .otherwise(pl.col("t") + pl.col("rel_in") - pl.col("after")))
    cand = (cycles.filter(uses).select("cid", "sup", s_start.alias("s0"), (s_end + 2 * S).alias("s1"))
            .sort("sup", "s0", "cid"))
    prev_end = pl.col("s1").cum_max().shift(1).over("sup")
    keep = cand.filter(prev_end.is_null() | (pl.col("s0") > prev_end)).select("cid", pl.lit(True).alias("ok"))
    cycles = cycles.join(keep, on="cid", how="left")
    bad = uses & pl.col("ok").is_null()
    internal = bad & (pl.col("kind") == "internal")
    return cycles.with_columns(
        # a downgraded internal call becomes a not-ready break of exactly the same length
        nr=pl.when(internal).then(pl.col("ring") + pl.col("talk") * 2 // 5 + 10_000).otherwise("nr"),
        kind=pl.when(internal).then(pl.lit("not_ready")).otherwise("kind"),
        feature=pl.when(bad).then(pl.lit("none")).otherwise("feature"),
        talk=pl.when(bad & (pl.col("kind") == "in")).then(pl.col("rel_in") - pl.col("ring")).otherwise("talk"),
    ).drop("ok")


def _queue_abandons(cfg: SimConfig, rng: np.random.Generator, bounds: list[tuple[int, int]], nq: int) -> pl.DataFrame:
    frames = []
    for b0, b1 in bounds:
        hours = (b1 - b0) / S / 3600
        count = int(rng.poisson(cfg.calls_per_hour * hours * 0.08)) + (1 if not frames else 0)
        t = np.sort(rng.integers(b0, max(b0 + 1, b1 - 120 * S), count))
        frames.append(pl.DataFrame({
            "t": t, "wait": _us(np.minimum(rng.exponential(40, count) + 2, 110)), "queue": rng.integers(0, nq, count).astype(np.int32),
            "acd": (np.arange(count) % 2 == 0) if not frames else rng.random(count) < 0.5,
            "ani": rng.integers(2_000_000_000, 9_999_999_999, count).astype(str),
        }))
    return pl.concat(frames).sort("t").with_row_index("cid", offset=10_000_000).with_columns(pl.col("cid").cast(pl.Int64))


def draw_plan(cfg: SimConfig, topo: Topology) -> Plan:
    """Draw the whole timeline of a run.

    Examples
    --------
    >>> from statcli.simulate.topology import build_topology
    >>> p = draw_plan(SimConfig(agents=2, hours=0.5), build_topology(2, 1))
    >>> "in" in set(p.cycles["kind"])
    True
    """
    rng = np.random.default_rng(cfg.seed)
    n = len(topo.agent_dns)
    sessions, outage, regs, end = _sessions(cfg, rng, n)
    cycles = _deconflict(_draw_cycles(cfg, rng, sessions, n))
    cycles = cycles.with_columns(queue=pl.lit(pl.Series(topo.agent_queue.astype(np.int32))).gather(pl.col("agent")))
    bounds = list(zip(sessions.group_by("session").agg(pl.col("start").min()).sort("session")["start"],
                      sessions.group_by("session").agg(pl.col("end").max()).sort("session")["end"]))
    aband = _queue_abandons(cfg, rng, bounds, len(topo.queues))
    return Plan(sessions=sessions, cycles=cycles, queue_abandons=aband, outage=outage,
                registrations=regs, end=end)
