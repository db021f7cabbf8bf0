"""Network ACL rules: which rule decides a packet, and over a range of ports which rule decides each part.

AWS, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html: "Rules are evaluated starting
with the lowest numbered rule. As soon as a rule matches traffic, it's applied regardless of any
higher-numbered rule that might contradict it." Every network ACL ends with the rule `*` (number
32767 in the API), which denies what no numbered rule matched; a custom ACL has only that rule until
rules are added (custom-network-acl.html), the default ACL allows all with rule 100
(default-network-acl.html). Inbound rules match the packet's source, outbound rules its destination.
IPv6 entries (Ipv6CidrBlock) never match the IPv4 flows modelled here.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .protocols import ALL, FULL, TCP, UDP, FlowError, port_range, protocol_name, protocol_number

STAR = 32767  # the `*` rule's number as describe_network_acls shows it


@dataclass(frozen=True)
class NaclRule:
    number: int
    allow: bool
    protocol: int              # -1 for all
    cidr: ipaddress.IPv4Network | None  # None: an IPv6 entry, which no IPv4 flow matches
    ports: tuple[int, int]     # FULL when the entry has no PortRange or the protocol is not TCP/UDP
    egress: bool

    @classmethod
    def of(cls, entry: dict) -> "NaclRule":
        """One entry of describe_network_acls' NetworkAcls[].Entries."""
        try:
            number = int(entry["RuleNumber"])
            protocol = protocol_number(entry.get("Protocol", "-1"))
            action = str(entry.get("RuleAction", "")).lower()
            cidr = ipaddress.ip_network(entry["CidrBlock"], strict=False) if entry.get("CidrBlock") else None
        except (KeyError, ValueError, TypeError) as exc:
            raise FlowError(f"a network ACL entry the model cannot read: {entry!r} ({exc})") from None
        if action not in ("allow", "deny"):
            raise FlowError(f"network ACL rule {number} has RuleAction {entry.get('RuleAction')!r}, not allow or deny")
        ports = FULL
        span = entry.get("PortRange")
        if protocol in (TCP, UDP) and span:
            ports = (int(span.get("From", 0)), int(span.get("To", 65535)))
        if cidr is not None and cidr.version != 4:
            cidr = None
        return cls(number, action == "allow", protocol, cidr, ports, bool(entry.get("Egress")))

    @property
    def star(self) -> bool:
        return self.number == STAR

    @property
    def name(self) -> str:
        return "*" if self.star else str(self.number)

    def matches(self, protocol: int, address: ipaddress.IPv4Address, port: int) -> bool:
        return (self.cidr is not None and address in self.cidr
                and self.protocol in (ALL, protocol)
                and (self.protocol == ALL or self.ports[0] <= port <= self.ports[1]))

    def describe(self) -> str:
        """"rule 100 (allow tcp 443 from 0.0.0.0/0)", "rule * (deny all)"."""
        if self.star:
            return "rule * (deny all)"
        where = ("to " if self.egress else "from ") + (str(self.cidr) if self.cidr else "an IPv6 range")
        what = protocol_name(self.protocol) + ("" if self.protocol == ALL else " " + port_range(*self.ports))
        return f"rule {self.number} ({'allow' if self.allow else 'deny'} {what} {where})"


def implicit_star(egress: bool) -> NaclRule:
    return NaclRule(STAR, False, ALL, ipaddress.IPv4Network("0.0.0.0/0"), FULL, egress)


def rules_of(entries: list[dict], egress: bool) -> list[NaclRule]:
    """The rules of one direction in the order AWS reads them: lowest number first, `*` last
    (added when describe does not list it, as moto does for custom ACLs)."""
    rules = sorted((NaclRule.of(e) for e in entries if bool(e.get("Egress")) == egress), key=lambda r: r.number)
    if not any(r.star for r in rules):
        rules.append(implicit_star(egress))
    return rules


def decide(rules: list[NaclRule], protocol: int, address: ipaddress.IPv4Address, port: int) -> NaclRule:
    """The rule that decides one packet: the lowest-numbered rule that matches."""
    for rule in rules:
        if rule.matches(protocol, address, port):
            return rule
    return rules[-1]  # unreachable with a `*` rule, kept for a list without one


@dataclass(frozen=True)
class Segment:
    """Ports low..high (both included) all decided by `rule`."""

    low: int
    high: int
    rule: NaclRule

    @property
    def allowed(self) -> bool:
        return self.rule.allow

    @property
    def ports(self) -> str:
        return port_range(self.low, self.high)


def decide_range(rules: list[NaclRule], protocol: int, address: ipaddress.IPv4Address,
                 low: int, high: int) -> list[Segment]:
    """Which rule decides each port of low..high, as maximal runs of ports with the same rule.

    Only a rule's ends can change the answer, so each run between two consecutive edges is decided
    by one representative port."""
    if low > high:
        raise FlowError(f"port range {low}-{high} is empty")
    edges = {low, high + 1}
    for rule in rules:
        for edge in (rule.ports[0], rule.ports[1] + 1):
            if low < edge <= high:
                edges.add(edge)
    cuts = sorted(edges)
    segments: list[Segment] = []
    for start, stop in zip(cuts, cuts[1:]):
        rule = decide(rules, protocol, address, start)
        if segments and segments[-1].rule == rule and segments[-1].high == start - 1:
            segments[-1] = Segment(segments[-1].low, stop - 1, rule)
        else:
            segments.append(Segment(start, stop - 1, rule))
    return segments
