"""The objects configuration (``--objects FILE``, TOML; DESIGN.md §5).

Stat Server knows from Configuration Server which agents, places, DNs and groups
exist. statcli reads the same facts from a small TOML file::

    [agents.a1001]
    name = "Ann Lee"
    place = "P7001"

    [places.P7001]
    dns = ["7001"]

    [dns."7000"]
    type = "ACDQueue"

    [agent_groups.Sales]
    agents = ["a1001"]
    origination_dns = ["7000"]

    [place_groups.SalesPlaces]
    places = ["P7001"]

    [queue_groups.SalesQueues]
    dns = ["7000"]

Every section is optional. Unknown sections or keys, wrong value types, DN
types statcli does not know, a DN listed in two places, a queue group or
origination DN whose configured type is not a mediation type, and references to
objects that are not defined are user errors naming the file and the key.

Without a file (or for what the file leaves out) :func:`infer_objects` reads
what the logs show (OBJ-1): the agent ↔ DN pairs of login and agent-state
events, places from ``AttributePlace`` and DN types from
:func:`statcli.derive.dn_types.infer_dn_types`. Groups are never inferred.
:func:`objects_report` lists every object with its origin (configured or
inferred).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from statcli.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: DN types statcli understands (Configuration Server names).
DN_TYPES = ("Extension", "ACDPosition", "ACDQueue", "RoutingPoint", "VirtualQueue",
            "RoutingQueue", "ServiceNumber", "Trunk", "VoiceTreatmentPort", "Mixed", "Unknown")
#: DN types whose actions follow the mediation-DN rules.
MEDIATION_DN_TYPES = ("ACDQueue", "RoutingPoint", "VirtualQueue", "RoutingQueue", "ServiceNumber")

_SECTIONS = {
    "agents": {"name", "place", "skills"},
    "places": {"dns", "name"},
    "dns": {"type", "name", "switch"},
    "agent_groups": {"agents", "origination_dns", "name"},
    "place_groups": {"places", "name"},
    "queue_groups": {"dns", "name"},
}


@dataclass
class Objects:
    """Configuration objects: agents, places, DN types and groups.

    Attributes
    ----------
    agents : dict
        AgentID → {"name", "place"}.
    places : dict
        Place → list of DNs.
    dn_types : dict
        DN → DN type (one of :data:`DN_TYPES`).
    agent_groups, place_groups, queue_groups : dict
        Group name → member list (agents, places, DNs).
    origination_dns : dict
        Agent group → its origination DNs (the queue–agent link, QLINK).
    agent_dns : dict
        AgentID → DNs the agent was seen logged in on (inferred from the logs;
        informative: propagation follows the login sessions, not this list).
    inferred : dict
        Section → keys that :func:`infer_objects` added (not configured).
    source : str or None
        The file the objects came from (None when built in code or inferred).
    """

    agents: dict[str, dict] = field(default_factory=dict)
    places: dict[str, list[str]] = field(default_factory=dict)
    dn_types: dict[str, str] = field(default_factory=dict)
    agent_groups: dict[str, list[str]] = field(default_factory=dict)
    place_groups: dict[str, list[str]] = field(default_factory=dict)
    queue_groups: dict[str, list[str]] = field(default_factory=dict)
    origination_dns: dict[str, list[str]] = field(default_factory=dict)
    agent_dns: dict[str, list[str]] = field(default_factory=dict)
    inferred: dict[str, list[str]] = field(default_factory=dict)
    source: str | None = None

    def place_of_dn(self) -> dict[str, str]:
        """DN → place, from ``places``."""
        return {dn: place for place, dns in self.places.items() for dn in dns}


def _fail(path: Path, msg: str) -> UserError:
    return UserError(f"{path}: {msg}")


def _str_list(path: Path, where: str, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise _fail(path, f"{where} must be a list of strings")
    return [str(v) for v in value]


def _opt_str(path: Path, where: str, value) -> str | None:
    if value is not None and not isinstance(value, (str, int)):
        raise _fail(path, f"{where} must be a string")
    return None if value is None else str(value)


def load_objects(path: str | Path) -> Objects:
    """Read an objects configuration TOML file.

    Parameters
    ----------
    path : str or Path
        The TOML file (DESIGN.md §5 format).

    Returns
    -------
    Objects

    Raises
    ------
    UserError
        Missing or malformed file, unknown section or key, a value of the wrong
        type, unknown DN type, a DN in two places, a non-mediation DN in a
        queue group or among origination DNs, or a reference to an undefined
        agent or place. The message names the file and the key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "o.toml"
    >>> _ = p.write_text('[dns."7000"]\\ntype = "ACDQueue"\\n')
    >>> load_objects(p).dn_types
    {'7000': 'ACDQueue'}
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"objects file not found: {path}") from None
    except IsADirectoryError:
        raise UserError(f"objects file is a directory: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise _fail(path, f"not valid TOML: {exc}") from None

    for section, body in data.items():
        if section not in _SECTIONS:
            raise _fail(path, f"unknown section [{section}] (expected one of {', '.join(_SECTIONS)})")
        if not isinstance(body, dict):
            raise _fail(path, f"[{section}] must be a table")
        for name, entry in body.items():
            if not isinstance(entry, dict):
                raise _fail(path, f"[{section}.{name}] must be a table")
            unknown = set(entry) - _SECTIONS[section]
            if unknown:
                raise _fail(path, f"unknown key {sorted(unknown)[0]!r} in [{section}.{name}] "
                                  f"(expected {', '.join(sorted(_SECTIONS[section]))})")

    obj = Objects(source=str(path))
    for agent, entry in data.get("agents", {}).items():
        obj.agents[str(agent)] = {
            "name": _opt_str(path, f"agents.{agent}.name", entry.get("name")),
            "place": _opt_str(path, f"agents.{agent}.place", entry.get("place")),
        }
    for place, entry in data.get("places", {}).items():
        obj.places[str(place)] = _str_list(path, f"places.{place}.dns", entry.get("dns", []))
    for dn, entry in data.get("dns", {}).items():
        dn_type = entry.get("type", "Extension")
        if dn_type not in DN_TYPES:
            raise _fail(path, f"dns.{dn}.type {dn_type!r} is not one of {', '.join(DN_TYPES)}")
        obj.dn_types[str(dn)] = dn_type
    for group, entry in data.get("agent_groups", {}).items():
        obj.agent_groups[group] = _str_list(path, f"agent_groups.{group}.agents", entry.get("agents", []))
        obj.origination_dns[group] = _str_list(
            path, f"agent_groups.{group}.origination_dns", entry.get("origination_dns", []))
    for group, entry in data.get("place_groups", {}).items():
        obj.place_groups[group] = _str_list(path, f"place_groups.{group}.places", entry.get("places", []))
    for group, entry in data.get("queue_groups", {}).items():
        obj.queue_groups[group] = _str_list(path, f"queue_groups.{group}.dns", entry.get("dns", []))
    _check_references(path, obj)
    return obj


def _check_references(path: Path, obj: Objects) -> None:
    for agent, entry in obj.agents.items():
        if entry["place"] is not None and entry["place"] not in obj.places:
            raise _fail(path, f"agents.{agent}.place refers to undefined place {entry['place']!r}")
    owner: dict[str, str] = {}
    for place, dns in obj.places.items():
        for dn in dns:
            if dn in owner and owner[dn] != place:
                # Propagation needs one place per DN (PROP-2).
                raise _fail(path, f"places.{place}.dns: DN {dn!r} already belongs to place {owner[dn]!r}")
            owner[dn] = place
            if obj.dn_types.get(dn) in MEDIATION_DN_TYPES:
                raise _fail(path, f"places.{place}.dns: DN {dn!r} is a {obj.dn_types[dn]}, "
                                  "not a regular DN")
    for group, members in obj.agent_groups.items():
        for agent in members:
            if agent not in obj.agents:
                raise _fail(path, f"agent_groups.{group}.agents refers to undefined agent {agent!r}")
    for group, members in obj.place_groups.items():
        for place in members:
            if place not in obj.places:
                raise _fail(path, f"place_groups.{group}.places refers to undefined place {place!r}")
    for key, groups in (("queue_groups", obj.queue_groups), ("agent_groups", obj.origination_dns)):
        field_name = "dns" if key == "queue_groups" else "origination_dns"
        for group, dns in groups.items():
            for dn in dns:
                dn_type = obj.dn_types.get(dn)
                if dn_type is not None and dn_type not in MEDIATION_DN_TYPES:
                    raise _fail(path, f"{key}.{group}.{field_name}: DN {dn!r} is configured as "
                                      f"{dn_type}, not a queue or routing point")


#: Events whose AgentID shows who is logged in on ThisDN (DN-5, OBS-2, REG-3a).
LOGIN_EVIDENCE_EVENTS = ("EventAgentLogin", "EventAgentReady", "EventAgentNotReady",
                         "EventAgentLogout", "EventRegistered", "EventAddressInfo")


def infer_objects(events: pl.DataFrame | pl.LazyFrame, dn_types: dict[str, str] | None = None,
                  *, objects: Objects | None = None) -> Objects:
    """Complete (or build) the objects configuration from what the logs show (OBJ-1).

    Configured facts always win; inferred ones only fill gaps and are listed in
    ``Objects.inferred``:

    * ``agents`` and ``agent_dns``: every AgentID of a login or agent-state
      event (:data:`LOGIN_EVIDENCE_EVENTS`) with the DNs it was seen on;
    * ``places``: ``AttributePlace`` of those events → the DNs it was seen on,
      for DNs not already in a configured place;
    * ``dn_types``: :func:`statcli.derive.dn_types.infer_dn_types` (routing
      point, virtual queue, ACD queue, else extension), unless given.

    Groups and origination DNs exist only in a configuration file.

    Parameters
    ----------
    events : polars.DataFrame or polars.LazyFrame
        The ``events`` table (uses ``event``, ``this_dn``, ``agent_id`` and,
        when present, ``place``).
    dn_types : dict, optional
        DN → type already computed by the caller; inferred when omitted.
    objects : Objects, optional
        The user's configuration to complete (not modified).

    Returns
    -------
    Objects

    Examples
    --------
    >>> import polars as pl
    >>> ev = pl.DataFrame({"event": ["EventAgentLogin", "EventQueued"],
    ...                    "this_dn": ["7001", "7000"], "agent_id": ["a1001", None],
    ...                    "place": ["P7001", None]})
    >>> o = infer_objects(ev)
    >>> o.agent_dns, o.places, o.dn_types
    ({'a1001': ['7001']}, {'P7001': ['7001']}, {'7000': 'ACDQueue', '7001': 'Extension'})
    >>> o.inferred["agents"]
    ['a1001']
    """
    from statcli.derive.dn_types import infer_dn_types  # the derive package imports this module

    base = objects or Objects()
    out = Objects(agents={k: dict(v) for k, v in base.agents.items()},
                  places={k: list(v) for k, v in base.places.items()},
                  dn_types=dict(base.dn_types),
                  agent_groups={k: list(v) for k, v in base.agent_groups.items()},
                  place_groups={k: list(v) for k, v in base.place_groups.items()},
                  queue_groups={k: list(v) for k, v in base.queue_groups.items()},
                  origination_dns={k: list(v) for k, v in base.origination_dns.items()},
                  agent_dns={k: list(v) for k, v in base.agent_dns.items()},
                  inferred={k: list(v) for k, v in base.inferred.items()},
                  source=base.source)
    lf = events.lazy()
    names = lf.collect_schema().names()
    evidence = lf.filter(pl.col("event").is_in(LOGIN_EVIDENCE_EVENTS) & pl.col("this_dn").is_not_null())
    pairs = (evidence.filter(pl.col("agent_id").is_not_null())
             .group_by("agent_id").agg(pl.col("this_dn").unique().sort()).sort("agent_id").collect())
    for agent, dns in pairs.iter_rows():
        if agent not in out.agents:
            out.agents[agent] = {"name": None, "place": None}
            out.inferred.setdefault("agents", []).append(agent)
        out.agent_dns[agent] = sorted(set(out.agent_dns.get(agent, [])) | set(dns))
    if "place" in names:
        owned = set(out.place_of_dn())
        seen = (evidence.filter(pl.col("place").is_not_null() & ~pl.col("this_dn").is_in(list(owned)))
                .group_by("place").agg(pl.col("this_dn").unique().sort()).sort("place").collect())
        for place, dns in seen.iter_rows():
            dns = [dn for dn in dns if dn not in owned]  # first place wins for a DN
            owned.update(dns)
            if dns and place not in base.places:
                out.places.setdefault(place, []).extend(dns)
                out.inferred.setdefault("places", []).append(place)
    types = dn_types if dn_types is not None else infer_dn_types(events, base)
    for dn, dn_type in sorted(types.items()):
        if dn not in base.dn_types:
            out.dn_types[dn] = dn_type
            out.inferred.setdefault("dn_types", []).append(dn)
    return out


def objects_report(objects: Objects) -> pl.DataFrame:
    """One row per configured or inferred fact: ``section, key, value, origin``.

    ``origin`` is ``configured`` or ``inferred`` (see :func:`infer_objects`);
    ``value`` is the place's DNs, the DN type, the agent's login DNs or the
    group's members, as text.

    Examples
    --------
    >>> o = Objects(dn_types={"7000": "ACDQueue"}, inferred={"dn_types": ["7000"]})
    >>> objects_report(o).row(0)
    ('dn_types', '7000', 'ACDQueue', 'inferred')
    """
    rows = []
    sections = {
        "agents": {a: ", ".join(objects.agent_dns.get(a, [])) for a in objects.agents},
        "places": {p: ", ".join(d) for p, d in objects.places.items()},
        "dn_types": dict(objects.dn_types),
        "agent_groups": {g: ", ".join(m) for g, m in objects.agent_groups.items()},
        "place_groups": {g: ", ".join(m) for g, m in objects.place_groups.items()},
        "queue_groups": {g: ", ".join(m) for g, m in objects.queue_groups.items()},
    }
    for section, entries in sections.items():
        inferred = set(objects.inferred.get(section, []))
        for key, value in entries.items():
            rows.append((section, key, value, "inferred" if key in inferred else "configured"))
    return pl.DataFrame(rows, schema={"section": pl.String, "key": pl.String,
                                      "value": pl.String, "origin": pl.String}, orient="row")
