"""statcli — re-create, offline, what Genesys Stat Server counts.

The library behind the ``statcli`` command. Every command is a thin layer over
a function here, so a notebook can do what the CLI does::

    import statcli
    events = statcli.read_tserver_log("sample_logs/SIP_P*")   # polars DataFrame
    lazy = statcli.scan_tserver_log("sample_logs/SIP_P*")     # polars LazyFrame
    inputs = statcli.load_inputs(["sample_logs/"])            # T-Server and OCS logs, by kind
    actions = statcli.derive_actions(inputs.events, campaign_events=inputs.campaign_events)

Public names are imported lazily so that ``import statcli`` stays fast.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it
_PUBLIC = {
    "read_tserver_log": "statcli.read.tserver",
    "scan_tserver_log": "statcli.read.tserver",
    "parse_summary": "statcli.read.tserver",
    "ParseResult": "statcli.read.tserver",
    "load_inputs": "statcli.read.inputs",
    "read_ocs_log": "statcli.read.ocs",
    "scan_ocs_log": "statcli.read.ocs",
    "derive_actions": "statcli.derive",
    "derive_statuses": "statcli.derive.status",
    "compute_statistics": "statcli.stats",
    "load_stat_types": "statcli.stats",
    "load_objects": "statcli.objects",
    "simulate": "statcli.simulate",
    "UserError": "statcli.errors",
}

__all__ = ["__version__", *_PUBLIC]


def __getattr__(name: str):
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module 'statcli' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
