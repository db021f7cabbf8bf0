"""A VPC as the EC2 API describes it: subnets, route tables, network ACLs, security groups and
network interfaces, read from the answers of describe_subnets, describe_route_tables,
describe_network_acls, describe_security_groups and describe_network_interfaces.

    network = Network({"Subnets": [...], "RouteTables": [...], "NetworkAcls": [...],
                       "SecurityGroups": [...], "NetworkInterfaces": [...]})

Which ACL a subnet uses: the one whose Associations name it; a subnet with none uses its VPC's
default ACL ("If you don't explicitly associate a subnet with a network ACL, the subnet is
automatically associated with the default network ACL", vpc-network-acls.html). Which route table:
the one explicitly associated, else the VPC's main route table (VPC_Route_Tables.html).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from . import nacl, security_group
from .protocols import FlowError


def _name(item: dict) -> str | None:
    for tag in item.get("Tags") or []:
        if tag.get("Key") == "Name" and tag.get("Value"):
            return str(tag["Value"])
    return None


def _label(identifier: str, item: dict) -> str:
    name = _name(item) or ("default" if item.get("IsDefault") else None)
    return f"{identifier} ({name})" if name else identifier


@dataclass(frozen=True)
class Subnet:
    id: str
    cidr: ipaddress.IPv4Network
    vpc: str
    label: str


@dataclass(frozen=True)
class Interface:
    id: str
    subnet: str
    private: tuple[ipaddress.IPv4Address, ...]
    public: tuple[ipaddress.IPv4Address, ...]
    groups: frozenset[str]
    label: str


@dataclass(frozen=True)
class Acl:
    id: str
    vpc: str
    default: bool
    label: str
    inbound: tuple[nacl.NaclRule, ...]
    outbound: tuple[nacl.NaclRule, ...]
    subnets: frozenset[str]

    def rules(self, egress: bool) -> list[nacl.NaclRule]:
        return list(self.outbound if egress else self.inbound)


@dataclass(frozen=True)
class Route:
    destination: ipaddress.IPv4Network
    target: str


@dataclass(frozen=True)
class RouteTable:
    id: str
    vpc: str
    main: bool
    subnets: frozenset[str]
    routes: tuple[Route, ...]

    def route_for(self, address: ipaddress.IPv4Address) -> Route | None:
        """The most specific route containing the address (longest prefix match)."""
        matching = [r for r in self.routes if address in r.destination]
        return max(matching, key=lambda r: r.destination.prefixlen) if matching else None


@dataclass
class Network:
    description: dict
    subnets: dict[str, Subnet] = field(init=False)
    interfaces: list[Interface] = field(init=False)
    acls: dict[str, Acl] = field(init=False)
    groups: dict[str, list[security_group.SgRule]] = field(init=False)
    group_labels: dict[str, str] = field(init=False)
    route_tables: list[RouteTable] = field(init=False)
    vpc_cidrs: list[ipaddress.IPv4Network] = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.description, dict):
            raise FlowError(f"the description is a {type(self.description).__name__}, not a dict of describe_* answers")
        try:
            self._read(self.description)
        except (KeyError, TypeError, ValueError) as exc:
            if isinstance(exc, FlowError):
                raise
            raise FlowError(f"the description cannot be read as describe_* answers: {exc!r}") from None

    def _read(self, d: dict) -> None:
        self.subnets = {}
        for s in d.get("Subnets") or []:
            self.subnets[s["SubnetId"]] = _subnet(s)
        self.vpc_cidrs = [ipaddress.IPv4Network(v["CidrBlock"]) for v in d.get("Vpcs") or [] if v.get("CidrBlock")]
        self.interfaces = [_interface(eni) for eni in d.get("NetworkInterfaces") or []]
        self.acls = {}
        for a in d.get("NetworkAcls") or []:
            self.acls[a["NetworkAclId"]] = _acl(a)
        self.groups, self.group_labels = {}, {}
        for g in d.get("SecurityGroups") or []:
            self.groups[g["GroupId"]] = security_group.rules_of(g)
            self.group_labels[g["GroupId"]] = _group_label(g)
        self.route_tables = [_route_table(t) for t in d.get("RouteTables") or []]

    # -- lookups ---------------------------------------------------------------------------------
    def interface_at(self, address: ipaddress.IPv4Address) -> Interface | None:
        for eni in self.interfaces:
            if address in eni.private or address in eni.public:
                return eni
        return None

    def inside(self, address: ipaddress.IPv4Address) -> bool:
        return any(address in c for c in self.vpc_cidrs) or any(address in s.cidr for s in self.subnets.values())

    def subnet(self, subnet_id: str) -> Subnet:
        if subnet_id not in self.subnets:
            raise FlowError(f"subnet {subnet_id} is not in the description's Subnets")
        return self.subnets[subnet_id]

    def acl_of(self, subnet_id: str) -> Acl:
        for acl in self.acls.values():
            if subnet_id in acl.subnets:
                return acl
        vpc = self.subnet(subnet_id).vpc
        for acl in self.acls.values():
            if acl.default and acl.vpc == vpc:
                return acl
        raise FlowError(f"no network ACL is associated with {subnet_id} and its VPC has no default ACL in the description")

    def route_table_of(self, subnet_id: str) -> RouteTable | None:
        for table in self.route_tables:
            if subnet_id in table.subnets:
                return table
        vpc = self.subnet(subnet_id).vpc
        return next((t for t in self.route_tables if t.main and t.vpc == vpc), None)

    def rules_of_groups(self, groups: frozenset[str]) -> list[security_group.SgRule]:
        rules: list[security_group.SgRule] = []
        for group in sorted(groups):
            if group not in self.groups:
                raise FlowError(f"security group {group} is on an interface but not in the description's SecurityGroups")
            rules.extend(self.groups[group])
        return rules

    def groups_label(self, groups: frozenset[str]) -> str:
        return ", ".join(self.group_labels.get(g, g) for g in sorted(groups)) or "no security group"


def _subnet(s: dict) -> Subnet:
    return Subnet(s["SubnetId"], ipaddress.IPv4Network(s["CidrBlock"]), s.get("VpcId", ""), _label(s["SubnetId"], s))


def _interface(eni: dict) -> Interface:
    """A network interface from describe_network_interfaces: its primary and secondary addresses."""
    private = [eni.get("PrivateIpAddress")] + [p.get("PrivateIpAddress") for p in eni.get("PrivateIpAddresses") or []]
    public = [(eni.get("Association") or {}).get("PublicIp")] + [
        (p.get("Association") or {}).get("PublicIp") for p in eni.get("PrivateIpAddresses") or []]
    return Interface(
        eni["NetworkInterfaceId"], eni["SubnetId"],
        tuple(dict.fromkeys(ipaddress.IPv4Address(a) for a in private if a)),
        tuple(dict.fromkeys(ipaddress.IPv4Address(a) for a in public if a)),
        frozenset(g["GroupId"] for g in eni.get("Groups") or []),
        _label(eni["NetworkInterfaceId"], eni))


def _acl(a: dict) -> Acl:
    entries = a.get("Entries") or []
    return Acl(
        a["NetworkAclId"], a.get("VpcId", ""), bool(a.get("IsDefault")), _label(a["NetworkAclId"], a),
        tuple(nacl.rules_of(entries, egress=False)), tuple(nacl.rules_of(entries, egress=True)),
        frozenset(x["SubnetId"] for x in a.get("Associations") or [] if x.get("SubnetId")))


def _group_label(g: dict) -> str:
    return f"{g['GroupId']} ({g['GroupName']})" if g.get("GroupName") else g["GroupId"]


def _route_table(t: dict) -> RouteTable:
    """A route table from describe_route_tables: its active IPv4 routes only."""
    routes = []
    for r in t.get("Routes") or []:
        if not r.get("DestinationCidrBlock") or r.get("State", "active") != "active":
            continue
        routes.append(Route(ipaddress.IPv4Network(r["DestinationCidrBlock"]), _route_target(r)))
    associations = t.get("Associations") or []
    return RouteTable(
        t["RouteTableId"], t.get("VpcId", ""), any(x.get("Main") for x in associations),
        frozenset(x["SubnetId"] for x in associations if x.get("SubnetId")), tuple(routes))


def _route_target(r: dict) -> str:
    return (r.get("GatewayId") or r.get("NatGatewayId") or r.get("TransitGatewayId")
            or r.get("VpcPeeringConnectionId") or r.get("NetworkInterfaceId") or r.get("InstanceId") or "")
