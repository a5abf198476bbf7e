"""Shared machinery of the derivation stage: context and the final assembly.

Each action family (agent state, calls, mediation, campaign, …) is a module with
a function ``derive_<family>(events, ctx) -> polars.DataFrame`` that returns raw
action rows: any subset of the ``actions`` columns plus ``scope``
(``regular_dn``, ``mediation_dn``, ``virtual_queue`` or ``campaign``).
:func:`finalize_actions` then takes ``kind`` from the catalog, fills ``end``,
``duration`` and ``duration_s``, applies ``--mode cluster`` and assigns ids —
so kinds and SS_c availability come from data in one place, never from code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import polars as pl

from statcli.catalog.actions import action_catalog
from statcli.objects import Objects
from statcli.schema import ACTIONS, conform

MODES = ("regular", "cluster")


@dataclass
class DeriveContext:
    """What every action family needs besides the events.

    Attributes
    ----------
    objects : Objects or None
        The objects configuration, if the user gave one.
    mode : str
        ``regular`` or ``cluster`` (SS_c).
    dn_types : dict
        DN → DN type (configured, else inferred from the events).
    data_start, data_end : datetime or None
        The observed data window (first and last event time, UTC).
    """

    objects: Objects | None = None
    mode: str = "regular"
    dn_types: dict[str, str] = field(default_factory=dict)
    data_start: datetime | None = None
    data_end: datetime | None = None


def _kinds() -> pl.DataFrame:
    cat = action_catalog().select("action", "scope", "kind", "ss_c")
    # Virtual queues follow the mediation-DN rules (VQ-1): a VQ action not listed
    # under virtual_queue takes its mediation_dn row.
    vq_fallback = (cat.filter(pl.col("scope") == "mediation_dn")
                   .join(cat.filter(pl.col("scope") == "virtual_queue"), on="action", how="anti")
                   .with_columns(scope=pl.lit("virtual_queue")))
    return pl.concat([cat, vq_fallback])


def finalize_actions(frames: list[pl.DataFrame], ctx: DeriveContext) -> pl.DataFrame:
    """Assemble family outputs into the ``actions`` table.

    Parameters
    ----------
    frames : list of polars.DataFrame
        Raw rows from the action families (each with ``action`` and ``scope``).
    ctx : DeriveContext
        Carries ``mode``.

    Returns
    -------
    polars.DataFrame
        Conformed to :data:`statcli.schema.ACTIONS`, sorted by time, with
        unique ``action_id``.

    Raises
    ------
    ValueError
        When a family emits an action the catalog does not list for its scope
        (a programming error, caught by the tests).

    Examples
    --------
    >>> import polars as pl
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> raw = pl.DataFrame({"object_type": ["RegDN"], "object_id": ["7001"], "dn": ["7001"],
    ...                     "action": ["CallHeld"], "scope": ["regular_dn"], "start": [t]})
    >>> finalize_actions([raw], DeriveContext())["kind"].to_list()
    ['momentary']
    """
    frames = [f for f in frames if f.height]
    if not frames:
        return ACTIONS.empty()
    raw = pl.concat([conform(f, ACTIONS, keep_extra=True).drop("kind") for f in frames], how="diagonal_relaxed")
    joined = raw.join(_kinds(), on=["action", "scope"], how="left")
    unknown = joined.filter(pl.col("kind").is_null()).select("action", "scope").unique()
    if unknown.height:
        pairs = ", ".join(f"{a} ({s})" for a, s in unknown.iter_rows())
        raise ValueError(f"actions not in the catalog for their scope: {pairs}")
    if ctx.mode == "cluster":
        joined = joined.filter((pl.col("ss_c") == "yes") | (pl.col("scope") == "campaign"))
    end = pl.when(pl.col("kind") == "momentary").then(pl.col("start")).otherwise(pl.col("end"))
    out = (
        joined.with_columns(end=end)
        .with_columns(
            duration=pl.col("end") - pl.col("start"),
            duration_s=pl.col("end").dt.epoch("s") - pl.col("start").dt.epoch("s"),
            start_known=pl.col("start_known").fill_null(True),
            weight=pl.col("weight").fill_null(1),
        )
        .sort(["start", "end", "object_type", "object_id", "action"], nulls_last=True, maintain_order=True)
        .with_columns(action_id=pl.int_range(pl.len(), dtype=pl.Int64))
    )
    return conform(out, ACTIONS)
