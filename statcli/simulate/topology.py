"""The simulated contact centre's configuration: DNs, agents, places, groups.

One routing point feeds ``queues`` ACD queues, each with a virtual queue that
URS uses when it routes a call straight to an agent. Agents are spread over
the queues (round robin) and log in to their queue. Two back-office
extensions without agents take consultations, transfers, conferences and
internal calls.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

QUEUE_NAMES = ("Sales", "Support", "Billing", "Retention", "Claims", "Orders", "Tech", "VIP")


@dataclass(frozen=True)
class Topology:
    """The objects of one simulated site.

    Attributes
    ----------
    route_point : str
        The routing point every inbound call enters.
    queues, queue_names, vqs : tuple of str
        ACD queue DNs, their business names and their virtual queues.
    agent_dns, agent_ids, places : tuple of str
        One extension, AgentID and place per agent.
    agent_queue : numpy.ndarray
        Index into ``queues`` for every agent.
    supervisors : tuple of str
        Back-office extensions (no agent) used as consult/conference targets.
    """

    route_point: str
    queues: tuple[str, ...]
    queue_names: tuple[str, ...]
    vqs: tuple[str, ...]
    agent_dns: tuple[str, ...]
    agent_ids: tuple[str, ...]
    places: tuple[str, ...]
    agent_queue: np.ndarray
    supervisors: tuple[str, ...]

    @property
    def dn_types(self) -> dict[str, str]:
        """DN → Configuration Server DN type."""
        out = {self.route_point: "RoutingPoint"}
        out.update({q: "ACDQueue" for q in self.queues})
        out.update({v: "VirtualQueue" for v in self.vqs})
        out.update({d: "Extension" for d in self.agent_dns})
        out.update({s: "Extension" for s in self.supervisors})
        return out

    @property
    def registered_dns(self) -> tuple[str, ...]:
        """DNs a Stat Server registers on T-Server (virtual queues live in URS)."""
        return (self.route_point, *self.queues, *self.agent_dns, *self.supervisors)


def build_topology(agents: int, queues: int) -> Topology:
    """Name the DNs and agents of a site with ``agents`` agents and ``queues`` queues.

    Examples
    --------
    >>> t = build_topology(3, 2)
    >>> t.queues, t.agent_dns, t.agent_queue.tolist()
    (('8000', '8010'), ('7001', '7002', '7003'), [0, 1, 0])
    """
    if queues < 1 or agents < 1:
        raise ValueError("need at least one agent and one queue")
    names = tuple(QUEUE_NAMES[q] if q < len(QUEUE_NAMES) else f"Queue{q + 1}" for q in range(queues))
    base = 7001 if agents <= 998 else 100001
    dns = tuple(str(base + i) for i in range(agents))
    return Topology(
        route_point="5000",
        queues=tuple(str(8000 + 10 * q) for q in range(queues)),
        queue_names=names,
        vqs=tuple(f"VQ_{n}" for n in names),
        agent_dns=dns,
        agent_ids=tuple(f"a{1000 + i + 1}" for i in range(agents)),
        places=tuple(f"P{d}" for d in dns),
        agent_queue=np.arange(agents) % queues,
        supervisors=("6001", "6002"),
    )


def objects_toml(topo: Topology) -> str:
    """The objects configuration (DESIGN.md §5) describing ``topo``.

    Examples
    --------
    >>> print(objects_toml(build_topology(1, 1)).splitlines()[0])
    # Objects configuration of the simulated site (DESIGN.md §5)
    """
    out = ["# Objects configuration of the simulated site (DESIGN.md §5)", ""]
    for aid, place in zip(topo.agent_ids, topo.places):
        out += [f"[agents.{aid}]", f'name = "Agent {aid[1:]}"', f'place = "{place}"', ""]
    for place, dn in zip(topo.places, topo.agent_dns):
        out += [f"[places.{place}]", f'dns = ["{dn}"]', ""]
    for dn, kind in topo.dn_types.items():
        out += [f'[dns."{dn}"]', f'type = "{kind}"', ""]
    for q, name in enumerate(topo.queue_names):
        members = [a for a, aq in zip(topo.agent_ids, topo.agent_queue) if aq == q]
        out += [f"[agent_groups.{name}]", "agents = [" + ", ".join(f'"{a}"' for a in members) + "]",
                f'origination_dns = ["{topo.queues[q]}"]', ""]
        places = [p for p, aq in zip(topo.places, topo.agent_queue) if aq == q]
        out += [f"[place_groups.{name}Places]", "places = [" + ", ".join(f'"{p}"' for p in places) + "]", ""]
    out += ["[queue_groups.AllQueues]", "dns = [" + ", ".join(f'"{q}"' for q in topo.queues) + "]", ""]
    out += ["[queue_groups.VirtualQueues]", "dns = [" + ", ".join(f'"{v}"' for v in topo.vqs) + "]", ""]
    return "\n".join(out)
