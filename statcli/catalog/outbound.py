"""Outbound (OCS) vocabulary as tables: call results, dial modes, stat events, triggers.

Each CSV beside this module is one enumeration of log-formats.md §9:

``call_results.csv``
    ``call_result`` code → name, reserved flag, the Stat Server ``Dial<Result>``
    and ``Lead<Result>`` actions (seed 004; reference §4.7).
``dial_modes.csv``
    ``CfgDialMode`` number → configuration / log name, the Stat Server dial-mode
    action and the desktop ``GSW_CAMPAIGN_MODE`` string (§9.12).
``gsw_stat_events.csv``
    ``GSW_STAT_EVENT`` code → name → ``campaign_events`` kind (§9.9).
``record_statuses.csv``
    ``record_status`` code → name → the kind a write-back with it reports.
``campaign_triggers.csv``
    life-cycle words, CM messages and desktop user events → ``campaign_events`` kind.
``campaign_kinds.csv``
    campaign_events kind (× callback type) → its role (status, waiting_start,
    waiting_over, momentary) and campaign action.

The reader and the campaign derivation only join against these tables.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import polars as pl

_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def _load(name: str) -> pl.DataFrame:
    return pl.read_csv(_DIR / name, infer_schema=False)


def call_results() -> pl.DataFrame:
    """The call_result table: call_result (Int16), mnemonic, name, reserved (bool), dial_action, lead_action.

    Examples
    --------
    >>> cr = call_results()
    >>> cr.filter(call_result=33).select("dial_action", "lead_action").row(0)
    ('DialAnswer', 'LeadAnswer')
    >>> cr.filter(call_result=5)["lead_action"].item() is None
    True
    """
    return _load("call_results.csv").with_columns(
        pl.col("call_result").cast(pl.Int16),
        pl.col("reserved") == "yes",
    )


def dial_modes() -> pl.DataFrame:
    """The dial-mode table: dial_mode (Int16), config_name, log_name, action, campaign_mode.

    Examples
    --------
    >>> dial_modes().filter(campaign_mode="Engaged Predictive")["action"].item()
    'PredictAndSeize'
    """
    return _load("dial_modes.csv").with_columns(pl.col("dial_mode").cast(pl.Int16))


def dial_mode_names() -> pl.DataFrame:
    """Every spelling of a dial mode (number, names, desktop string) → its action, for joins.

    Examples
    --------
    >>> m = dict(dial_mode_names().iter_rows())
    >>> m["Predictive"], m["2"], m["CFGDMPower"], m["NoDialMode"]
    ('Predict', 'Progress', 'Power', 'NoDial')
    """
    dm = dial_modes().with_columns(pl.col("dial_mode").cast(pl.String))
    parts = [dm.select(spelling=pl.col(c), action="action") for c in
             ("dial_mode", "config_name", "log_name", "action", "campaign_mode")]
    return pl.concat(parts).drop_nulls("spelling").unique("spelling", keep="first", maintain_order=True)


def gsw_stat_events() -> pl.DataFrame:
    """GSW_STAT_EVENT codes: code (Int16), name, kind.

    Examples
    --------
    >>> gsw_stat_events().filter(code=14)["kind"].item()
    'dial_completed'
    """
    return _load("gsw_stat_events.csv").with_columns(pl.col("code").cast(pl.Int16))


def record_statuses() -> pl.DataFrame:
    """record_status codes: record_status (Int16), name, kind (null when the status reports nothing).

    Examples
    --------
    >>> record_statuses().filter(record_status=8)["kind"].item()
    'callback_missed'
    """
    return _load("record_statuses.csv").with_columns(pl.col("record_status").cast(pl.Int16))


def campaign_triggers(source: str | None = None) -> pl.DataFrame:
    """Log evidence → campaign_events kind: source, value, kind, note.

    Examples
    --------
    >>> campaign_triggers("lifecycle").filter(value="force unloaded")["kind"].item()
    'group_unloaded'
    """
    df = _load("campaign_triggers.csv")
    return df if source is None else df.filter(pl.col("source") == source)


def campaign_kinds(role: str | None = None) -> pl.DataFrame:
    """campaign_events kinds (× callback type) → role and action.

    Examples
    --------
    >>> campaign_kinds().filter(kind="callback_missed", callback_type="personal")["action"].item()
    'PersonalCallbackMissed'
    """
    df = _load("campaign_kinds.csv")
    return df if role is None else df.filter(pl.col("role") == role)
