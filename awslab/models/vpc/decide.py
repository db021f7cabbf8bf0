"""Decide a flow hop by hop, the way a packet and its reply travel, and say which rule decided each hop.

A request from a client to a server, then the server's reply to the client's ephemeral port:

    request: route (to or from the internet) -> client's security groups, outbound
             -> client subnet's network ACL, outbound -> server subnet's network ACL, inbound
             -> server's security groups, inbound
    reply:   server's security groups (stateful: let through) -> server subnet's ACL, outbound
             -> client subnet's ACL, inbound -> client's security groups (stateful: let through)

Network ACLs are stateless ("responses to allowed inbound traffic are subject to the rules for
outbound traffic (and vice versa)", vpc-network-acls.html), so the reply is judged on every port the
client may answer on. Security groups are stateful (vpc-security-groups.html). Traffic between two
interfaces of one subnet crosses no network ACL: an ACL decides what enters and leaves its subnet
(vpc-network-acls.html; nacl-examples.html, where instances of the subnet talk to each other with an
ACL that admits one remote address only). The internet reaches an interface only through its public
address and a route to an internet gateway (VPC_Internet_Gateway.html).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import nacl, security_group
from .network import Interface, Network
from .protocols import ANY_CLIENT, EPHEMERAL, TCP, UDP, FlowError, port_range, protocol_name, protocol_number


@dataclass(frozen=True)
class Flow:
    """A connection: `source` (the client) opens `protocol`/`port` on `destination` and is answered on
    one of `source_ports` (its ephemeral range; one port or a range)."""

    source: str
    destination: str
    protocol: str = "tcp"
    port: int = 443
    source_ports: tuple[int, int] = ANY_CLIENT

    @classmethod
    def of(cls, value: "Flow | dict") -> "Flow":
        """From a dict: source, destination, protocol, port, and either source_port (one port),
        source_ports ([low, high]) or client (a name of EPHEMERAL: linux, windows, nat-gateway, ...)."""
        if isinstance(value, Flow):
            return value
        if not isinstance(value, dict):
            raise FlowError(f"a flow is a dict with source, destination, protocol and port, not {type(value).__name__}")
        try:
            ports: Any = ANY_CLIENT
            if value.get("source_port") is not None:
                ports = (int(value["source_port"]), int(value["source_port"]))
            elif value.get("source_ports") is not None:
                low, high = value["source_ports"]
                ports = (int(low), int(high))
            elif value.get("client") is not None:
                if value["client"] not in EPHEMERAL:
                    raise FlowError(f"unknown client {value['client']!r} (one of {', '.join(EPHEMERAL)})")
                ports = EPHEMERAL[value["client"]]
            return cls(str(value["source"]), str(value["destination"]), str(value.get("protocol", "tcp")),
                       int(value.get("port", 443)), ports)
        except KeyError as exc:
            raise FlowError(f"the flow has no {exc.args[0]!r}: {value!r}") from None
        except (TypeError, ValueError) as exc:
            if isinstance(exc, FlowError):
                raise
            raise FlowError(f"the flow cannot be read: {value!r} ({exc})") from None

    def describe(self) -> str:
        return f"{self.source} -> {self.destination} {self.protocol} {self.port}"


@dataclass(frozen=True)
class Hop:
    """One place on the way: what was judged there, by which rule, and the verdict."""

    key: str       # route, sg-out, nacl-out, nacl-in, sg-in, reply-sg-out, reply-nacl-out, reply-nacl-in, reply-sg-in
    stage: str     # "request" or "reply"
    layer: str     # "route", "security group", "network ACL"
    where: str     # "acl-1 (web) of subnet-2 (web), outbound"
    allowed: bool
    detail: str    # the sentence: "tcp 443 from 203.0.113.9 is allowed by rule 100 (allow tcp 443 from 0.0.0.0/0)"
    rule: str | None = None            # the deciding rule, short: "100", "*", "sg-1 inbound: tcp 443 from 0.0.0.0/0"
    segments: tuple[nacl.Segment, ...] = ()  # a network ACL hop: which rule decided which ports
    skipped: bool = False              # no ACL on this hop (traffic within a subnet)

    def __str__(self) -> str:
        return f"{self.where}: {self.detail}"


@dataclass(frozen=True)
class Decision:
    flow: Flow
    hops: tuple[Hop, ...]

    @property
    def allowed(self) -> bool:
        return all(h.allowed for h in self.hops)

    @property
    def refusal(self) -> Hop | None:
        """The first hop that refused: where the connection breaks."""
        return next((h for h in self.hops if not h.allowed), None)

    @property
    def reason(self) -> str:
        refused = self.refusal
        if refused is None:
            return "allowed: the request gets in and the reply gets back"
        return f"refused at {refused.where}: {refused.detail}"

    def hop(self, key: str) -> Hop | None:
        return next((h for h in self.hops if h.key == key), None)

    def explain(self) -> str:
        lines = [f"{self.flow.describe()} (replies to port {port_range(*self.flow.source_ports)}): "
                 + ("ALLOWED" if self.allowed else "REFUSED")]
        stage = None
        for hop in self.hops:
            if hop.stage != stage:
                stage = hop.stage
                lines.append(f"  {stage}:")
            lines.append(f"    {'ok' if hop.allowed else 'NO'} {hop.where}: {hop.detail}")
        return "\n".join(lines)


@dataclass
class _End:
    address: ipaddress.IPv4Address
    interface: Interface | None  # None: a host on the internet

    def label(self, network: Network) -> str:
        if self.interface is None:
            return f"{self.address} (internet)"
        return f"{self.address} ({self.interface.label} in {network.subnet(self.interface.subnet).label})"


def _end(network: Network, text: str, role: str) -> _End:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise FlowError(f"the flow's {role} {text!r} is not an IPv4 address") from None
    if address.version != 4:
        raise FlowError(f"the flow's {role} {text} is IPv6; the model decides IPv4 flows")
    interface = network.interface_at(address)
    if interface is None and network.inside(address):
        raise FlowError(f"no network interface of the description has the {role} address {address}")
    return _End(address, interface)


def _wire_address(end: _End) -> ipaddress.IPv4Address:
    """The address packets carry inside the VPC: an interface's private address (the internet
    gateway translates its public one)."""
    return end.interface.private[0] if end.interface is not None and end.interface.private else end.address


@dataclass
class _Deciding:
    network: Network
    flow: Flow
    protocol: int
    client: _End
    server: _End
    hops: list[Hop] = field(default_factory=list)

    def route(self) -> None:
        inner, outer = (self.server, self.client) if self.client.interface is None else (self.client, self.server)
        if inner.interface is None:
            self.hops.append(Hop("route", "request", "route", "the internet", False,
                                 "both ends are outside the VPC: there is nothing of the VPC to decide"))
            return
        if outer.interface is not None:
            return  # within the VPC: the local route
        subnet = self.network.subnet(inner.interface.subnet)
        table = self.network.route_table_of(subnet.id)
        where = f"route table {table.id if table else '(none)'} of {subnet.label}"
        if not inner.interface.public:
            self.hops.append(Hop("route", "request", "route", where, False,
                                 f"{inner.interface.label} has no public IPv4 address: the internet cannot reach "
                                 "it, nor it the internet, without a NAT"))
            return
        if inner is self.server and self.server.address not in inner.interface.public:
            self.hops.append(Hop("route", "request", "route", where, False,
                                 f"the internet reaches {inner.interface.label} only at its public address "
                                 f"{inner.interface.public[0]}, not at {self.server.address}"))
            return
        route = table.route_for(outer.address) if table else None
        if route is None or not route.target.startswith("igw-"):
            via = f"the route for {outer.address} goes to {route.target}" if route else f"no route covers {outer.address}"
            self.hops.append(Hop("route", "request", "route", where, False,
                                 f"{via}, not to an internet gateway: {subnet.label} is private"))
            return
        self.hops.append(Hop("route", "request", "route", where, True,
                             f"{route.destination} -> {route.target}; {inner.interface.label} is public at "
                             f"{inner.interface.public[0]}"))

    def group_hop(self, key: str, end: _End, egress: bool, peer: _End) -> None:
        if end.interface is None:
            return
        groups = end.interface.groups
        where = f"{self.network.groups_label(groups)} of {end.interface.label}, {'outbound' if egress else 'inbound'}"
        what = f"{protocol_name(self.protocol)} {self.flow.port} {'to' if egress else 'from'} {peer.address}"
        rule = security_group.admitting_rule(self.network.rules_of_groups(groups), egress, self.protocol,
                                             self.flow.port, _wire_address(peer),
                                             peer.interface.groups if peer.interface else frozenset())
        if rule is None:
            self.hops.append(Hop(key, "request", "security group", where, False,
                                 f"no rule allows {what} (security groups only allow: what no rule allows is dropped)"))
        else:
            self.hops.append(Hop(key, "request", "security group", where, True,
                                 f"{what} is allowed by {rule.describe()}", rule=rule.describe()))

    def stateful_hop(self, key: str, end: _End, egress: bool) -> None:
        if end.interface is None:
            return
        where = f"{self.network.groups_label(end.interface.groups)} of {end.interface.label}, " \
                f"{'outbound' if egress else 'inbound'}"
        self.hops.append(Hop(key, "reply", "security group", where, True,
                             "the reply of an allowed connection passes (security groups are stateful)"))

    def acl_hop(self, key: str, stage: str, end: _End, egress: bool, peer: _End, ports: tuple[int, int]) -> None:
        if end.interface is None:
            return
        subnet = self.network.subnet(end.interface.subnet)
        acl = self.network.acl_of(subnet.id)
        direction = "outbound" if egress else "inbound"
        where = f"{acl.label} of {subnet.label}, {direction}"
        if peer.interface is not None and peer.interface.subnet == end.interface.subnet:
            self.hops.append(Hop(key, stage, "network ACL", f"{subnet.label}", True,
                                 "no network ACL: both ends are in this subnet, and an ACL decides only what "
                                 "enters or leaves it", skipped=True))
            return
        segments = nacl.decide_range(acl.rules(egress), self.protocol, _wire_address(peer), *ports)
        peer_words = f"{'to' if egress else 'from'} {peer.address}"

        def said(segment: nacl.Segment, verdict: str) -> str:
            if stage == "reply":  # "the reply on port 49152-65535 is denied by rule * (deny all), to 203.0.113.9"
                return f"the reply on port {segment.ports} is {verdict} by {segment.rule.describe()}, {peer_words}"
            return f"{protocol_name(self.protocol)} {segment.ports} {peer_words} is {verdict} by {segment.rule.describe()}"

        denied = [s for s in segments if not s.allowed]
        rule = ", ".join(dict.fromkeys(s.rule.name for s in (denied or segments)))
        detail = _acl_detail(segments, said)
        self.hops.append(Hop(key, stage, "network ACL", where, not denied, detail, rule=rule, segments=tuple(segments)))

def _acl_detail(segments: list, said: Callable[[nacl.Segment, str], str]) -> str:
    """What the rules said of each port segment: every one when all are allowed, else the denied
    ones, with the allowed ones in brackets."""
    denied = [s for s in segments if not s.allowed]
    if not denied:
        return "; ".join(said(s, "allowed") for s in segments)
    detail = "; ".join(said(s, "denied") for s in denied)
    allowed = [s for s in segments if s.allowed]
    if allowed:
        detail += " (" + ", ".join(f"port {s.ports} is allowed by rule {s.rule.name}" for s in allowed) + ")"
    return detail


def decide(network: Network | dict, flow: Flow | dict) -> Decision:
    """Every hop of `flow` through `network` (a Network or the describe_* answers it is read from)."""
    if not isinstance(network, Network):
        network = Network(network)
    flow = Flow.of(flow)
    protocol = protocol_number(flow.protocol)
    if protocol not in (TCP, UDP):
        raise FlowError(f"the flow's protocol is {flow.protocol!r}: the model decides tcp and udp flows, which have ports")
    if not 0 <= flow.port <= 65535 or not 0 <= flow.source_ports[0] <= flow.source_ports[1] <= 65535:
        raise FlowError(f"ports are 0-65535: the flow has port {flow.port} and replies to {port_range(*flow.source_ports)}")
    client, server = _end(network, flow.source, "source"), _end(network, flow.destination, "destination")
    d = _Deciding(network, flow, protocol, client, server)
    if client.interface is None or server.interface is None:
        d.route()
    request = (flow.port, flow.port)
    d.group_hop("sg-out", client, True, server)
    d.acl_hop("nacl-out", "request", client, True, server, request)
    d.acl_hop("nacl-in", "request", server, False, client, request)
    d.group_hop("sg-in", server, False, client)
    d.stateful_hop("reply-sg-out", server, True)
    d.acl_hop("reply-nacl-out", "reply", server, True, client, flow.source_ports)
    d.acl_hop("reply-nacl-in", "reply", client, False, server, flow.source_ports)
    d.stateful_hop("reply-sg-in", client, False)
    return Decision(flow, tuple(d.hops))
