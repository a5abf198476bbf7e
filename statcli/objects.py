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

Every section is optional. Unknown sections or keys and references to objects
that are not defined are user errors naming the file and the key.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

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
        Missing or malformed file, unknown section or key, unknown DN type,
        or a reference to an undefined agent or place.

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
                raise _fail(path, f"unknown key {sorted(unknown)[0]!r} in [{section}.{name}]")

    obj = Objects(source=str(path))
    for agent, entry in data.get("agents", {}).items():
        obj.agents[str(agent)] = {"name": entry.get("name"), "place": entry.get("place")}
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

    for agent, entry in obj.agents.items():
        if entry["place"] is not None and entry["place"] not in obj.places:
            raise _fail(path, f"agents.{agent}.place refers to undefined place {entry['place']!r}")
    for group, members in obj.agent_groups.items():
        for agent in members:
            if agent not in obj.agents:
                raise _fail(path, f"agent_groups.{group}.agents refers to undefined agent {agent!r}")
    for group, members in obj.place_groups.items():
        for place in members:
            if place not in obj.places:
                raise _fail(path, f"place_groups.{group}.places refers to undefined place {place!r}")
    return obj
