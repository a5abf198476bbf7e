"""Status priority tables, propagation rules and status objects as data.

``status_priority.csv`` is the reference's status priority table (§3.3, ST-1 to
ST-7 and ST-10) with the flags the status engine needs: which statuses define a
DN status (``dn_status``, ST-2), which an agent status (``agent_status``), which
call-type statuses a hold hides (``hidden_while_held``) and which action hides
them (``hides_held_call``, ST-3). ``propagation.csv`` lists PROP-2 to PROP-6:
which object type receives which other object type's actions and through which
configuration mapping. ``status_objects.csv`` says where each object type's
status comes from (its own actions or its members' statuses, ST-10 to ST-13).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

_HERE = Path(__file__).parent
_FLAGS = ("dn_status", "agent_status", "hidden_while_held", "hides_held_call")


@lru_cache(maxsize=None)
def _read(name: str) -> pl.DataFrame:
    return pl.read_csv(_HERE / name, infer_schema=False)


def status_priority(table: str | None = None) -> pl.DataFrame:
    """The status priority table(s), flags as booleans, ``priority`` as Int64.

    Parameters
    ----------
    table : str, optional
        ``regular_dn`` or ``mediation_dn``; all rows when omitted.

    Examples
    --------
    >>> t = status_priority("regular_dn")
    >>> t.filter(status="CallInbound")["priority"].item() > t.filter(status="CallOnHold")["priority"].item()
    True
    >>> status_priority("mediation_dn")["status"].to_list()
    ['NotMonitored', 'Monitored']
    """
    df = _read("status_priority.csv").with_columns(
        pl.col("priority").cast(pl.Int64), *[(pl.col(f) == "yes").alias(f) for f in _FLAGS])
    return df if table is None else df.filter(pl.col("table") == table)


def priority_names() -> dict[int, str]:
    """Priority → status name (priorities mean the same status in every table).

    Examples
    --------
    >>> priority_names()[17]
    'LoggedOut'
    """
    df = status_priority().select("priority", "status").unique()
    return dict(zip(df["priority"].to_list(), df["status"].to_list()))


def propagation_rules() -> pl.DataFrame:
    """PROP-2 to PROP-6 in the order they are applied (sources before their groups).

    Examples
    --------
    >>> propagation_rules().filter(to_object_type="GroupAgents")["from_object_type"].item()
    'Agent'
    """
    return _read("propagation.csv").clone()


def status_objects() -> pl.DataFrame:
    """Object type → status table and where its status comes from (ST-1, ST-10 to ST-13).

    Examples
    --------
    >>> status_objects().filter(object_type="Place")["members_from"].item()
    'RegDN'
    """
    return _read("status_objects.csv").clone()
