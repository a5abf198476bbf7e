"""The Stat Server action catalog (seeds 002 and 004) as a table.

``actions.csv`` beside this module lists every action once per scope with its
kind, SS_c availability and interaction relation. The derivation stage takes
each action's kind from here, and ``--mode cluster`` keeps only the rows whose
``ss_c`` is ``yes`` (campaign actions are kept in both modes, SSC-5).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

CATALOG_PATH = Path(__file__).with_name("actions.csv")


@lru_cache(maxsize=1)
def _catalog() -> pl.DataFrame:
    return pl.read_csv(CATALOG_PATH, infer_schema=False)


def action_catalog() -> pl.DataFrame:
    """The action catalog: action, scope, objects, ss_c, interaction_related, kind, source, note.

    Examples
    --------
    >>> cat = action_catalog()
    >>> cat.filter(action="CallRinging", scope="regular_dn")["kind"].item()
    'durable'
    """
    return _catalog().clone()


def action_names(scope: str | None = None) -> list[str]:
    """Sorted action names, optionally of one scope.

    Examples
    --------
    >>> "CallWait" in action_names("mediation_dn")
    True
    """
    cat = _catalog()
    if scope is not None:
        cat = cat.filter(pl.col("scope") == scope)
    return sorted(cat["action"].unique().to_list())
