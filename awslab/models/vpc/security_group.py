"""Security group rules: allow-only, any rule of any group on the interface is enough, and stateful.

AWS, https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html: "You can specify
allow rules, but not deny rules"; "Security groups are stateful. For example, if you send a request
from an instance, the response traffic for that request is allowed to reach the instance regardless
of the inbound security group rules." A rule's source (inbound) or destination (outbound) is a CIDR
or another security group; a group as the peer matches "the network interfaces that are associated
with the source security group", by their private addresses
(https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html). Prefix lists and IPv6
ranges match nothing here (the model has no prefix lists and flows are IPv4).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from .protocols import ALL, FULL, TCP, UDP, FlowError, port_range, protocol_name, protocol_number


@dataclass(frozen=True)
class SgRule:
    group: str          # the group the rule belongs to
    egress: bool
    protocol: int
    ports: tuple[int, int]
    cidr: ipaddress.IPv4Network | None = None
    peer_group: str | None = None

    def describe(self) -> str:
        """"sg-1 inbound: tcp 8080 from sg-2"."""
        what = protocol_name(self.protocol) + ("" if self.protocol == ALL or self.ports == FULL
                                               else " " + port_range(*self.ports))
        peer = self.peer_group or str(self.cidr)
        return f"{self.group} {'outbound' if self.egress else 'inbound'}: {what} {'to' if self.egress else 'from'} {peer}"


def _ports(permission: dict, protocol: int) -> tuple[int, int]:
    if protocol not in (TCP, UDP):
        return FULL
    low, high = permission.get("FromPort"), permission.get("ToPort")
    if low is None or high is None or int(low) == -1:
        return FULL
    return int(low), int(high)


def rules_of(group: dict) -> list[SgRule]:
    """Every rule of one group of describe_security_groups, one per peer."""
    group_id = group.get("GroupId")
    if not group_id:
        raise FlowError(f"a security group without GroupId: {group!r}")
    found: list[SgRule] = []
    for egress, key in ((False, "IpPermissions"), (True, "IpPermissionsEgress")):
        for permission in group.get(key) or []:
            protocol = protocol_number(permission.get("IpProtocol", "-1"))
            ports = _ports(permission, protocol)
            for item in permission.get("IpRanges") or []:
                try:
                    cidr = ipaddress.IPv4Network(item["CidrIp"], strict=False)  # IpRanges: IPv4 only
                except (KeyError, ValueError) as exc:
                    raise FlowError(f"security group {group_id} has a range the model cannot read: {item!r}") from exc
                found.append(SgRule(group_id, egress, protocol, ports, cidr=cidr))
            for item in permission.get("UserIdGroupPairs") or []:
                if item.get("GroupId"):
                    found.append(SgRule(group_id, egress, protocol, ports, peer_group=item["GroupId"]))
    return found


def admitting_rule(rules: list[SgRule], egress: bool, protocol: int, port: int,
                   peer_address: ipaddress.IPv4Address, peer_groups: frozenset[str]) -> SgRule | None:
    """The first rule that lets the packet through (None: no rule does, so it is dropped).

    `peer_groups` are the groups of the interface at the other end (empty for the internet); a rule
    naming a group matches only such an interface, as AWS matches by the interface's private address."""
    for rule in rules:
        if rule.egress != egress or rule.protocol not in (ALL, protocol):
            continue
        if rule.protocol != ALL and not rule.ports[0] <= port <= rule.ports[1]:
            continue
        if rule.peer_group is not None:
            if rule.peer_group in peer_groups:
                return rule
        elif rule.cidr is not None and rule.cidr.version == 4 and peer_address in rule.cidr:
            return rule
    return None
