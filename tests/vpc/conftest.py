"""A VPC written as describe_* answers, so each table row reads as rules, not as boilerplate."""

from __future__ import annotations

import copy

PAGES = "https://docs.aws.amazon.com/vpc/latest/userguide/"
VPC = "vpc-1"
INTERNET = "203.0.113.9"  # TEST-NET-3: a client on the internet

ALLOW_ALL = [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": e, "CidrBlock": "0.0.0.0/0"}
             for e in (False, True)] + [
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": e, "CidrBlock": "0.0.0.0/0"}
            for e in (False, True)]


def entry(number: int, action: str, cidr: str = "0.0.0.0/0", ports=None, protocol: str = "6",
          egress: bool = False) -> dict:
    out = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": egress, "CidrBlock": cidr}
    if ports is not None:
        low, high = (ports, ports) if isinstance(ports, int) else ports
        out["PortRange"] = {"From": low, "To": high}
    return out


def out(number: int, action: str, cidr: str = "0.0.0.0/0", ports=None, protocol: str = "6") -> dict:
    return entry(number, action, cidr, ports, protocol, egress=True)


def permission(ports=None, cidr: str | None = None, group: str | None = None, protocol: str = "tcp") -> dict:
    out: dict = {"IpProtocol": protocol, "IpRanges": [], "UserIdGroupPairs": []}
    if ports is not None:
        low, high = (ports, ports) if isinstance(ports, int) else ports
        out.update(FromPort=low, ToPort=high)
    if cidr:
        out["IpRanges"].append({"CidrIp": cidr})
    if group:
        out["UserIdGroupPairs"].append({"GroupId": group, "UserId": "123456789012"})
    return out


ALL_OUT = [permission(cidr="0.0.0.0/0", protocol="-1")]


class Vpc:
    """Subnets a (10.0.1.0/24, public), b (10.0.2.0/24) and c (10.0.3.0/24), all on the default ACL
    (allow all) until `acl()` gives one its own; an interface per `host()`."""

    def __init__(self) -> None:
        self.d: dict = {"Vpcs": [{"VpcId": VPC, "CidrBlock": "10.0.0.0/16"}], "Subnets": [], "NetworkAcls": [
            {"NetworkAclId": "acl-default", "VpcId": VPC, "IsDefault": True, "Entries": copy.deepcopy(ALLOW_ALL),
             "Associations": []}], "SecurityGroups": [], "NetworkInterfaces": [], "RouteTables": [
            {"RouteTableId": "rtb-main", "VpcId": VPC, "Associations": [{"Main": True}],
             "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"}]},
            {"RouteTableId": "rtb-public", "VpcId": VPC, "Associations": [],
             "Routes": [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local", "State": "active"},
                        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1", "State": "active"}]}]}
        for name, n in (("a", 1), ("b", 2), ("c", 3)):
            self.d["Subnets"].append({"SubnetId": f"subnet-{name}", "VpcId": VPC, "CidrBlock": f"10.0.{n}.0/24",
                                      "Tags": [{"Key": "Name", "Value": name}]})
            self.d["NetworkAcls"][0]["Associations"].append({"SubnetId": f"subnet-{name}", "NetworkAclId": "acl-default"})
        self.d["RouteTables"][1]["Associations"].append({"SubnetId": "subnet-a", "Main": False})

    def acl(self, subnet: str, *entries: dict, acl_id: str | None = None) -> "Vpc":
        """A custom ACL with these entries (no `*` listed, as moto describes a custom ACL) on `subnet`."""
        acl_id = acl_id or f"acl-{subnet}"
        for acl in self.d["NetworkAcls"]:
            acl["Associations"] = [a for a in acl["Associations"] if a["SubnetId"] != f"subnet-{subnet}"]
        existing = [a for a in self.d["NetworkAcls"] if a["NetworkAclId"] == acl_id]
        if existing:
            existing[0]["Associations"].append({"SubnetId": f"subnet-{subnet}", "NetworkAclId": acl_id})
            return self
        self.d["NetworkAcls"].append({"NetworkAclId": acl_id, "VpcId": VPC, "IsDefault": False,
                                      "Entries": list(entries),
                                      "Associations": [{"SubnetId": f"subnet-{subnet}", "NetworkAclId": acl_id}]})
        return self

    def group(self, group_id: str, inbound=(), outbound=tuple(ALL_OUT)) -> "Vpc":
        self.d["SecurityGroups"].append({"GroupId": group_id, "GroupName": group_id[3:], "VpcId": VPC,
                                         "IpPermissions": list(inbound), "IpPermissionsEgress": list(outbound)})
        return self

    def host(self, address: str, subnet: str, *groups: str, public: str | None = None) -> "Vpc":
        eni = {"NetworkInterfaceId": f"eni-{address.replace('.', '-')}", "SubnetId": f"subnet-{subnet}",
               "VpcId": VPC, "PrivateIpAddress": address, "Groups": [{"GroupId": g} for g in groups]}
        if public:
            eni["Association"] = {"PublicIp": public}
        self.d["NetworkInterfaces"].append(eni)
        return self


def three_hosts() -> Vpc:
    """A public web host (10.0.1.10, public 198.18.0.10, group sg-web), an app host (10.0.2.10, sg-app),
    a db host (10.0.3.10, sg-db); groups open to everything; every subnet on the default ACL."""
    everything = [permission(cidr="0.0.0.0/0", protocol="-1")]
    return (Vpc().group("sg-web", everything).group("sg-app", everything).group("sg-db", everything)
            .host("10.0.1.10", "a", "sg-web", public="198.18.0.10").host("10.0.2.10", "b", "sg-app")
            .host("10.0.3.10", "c", "sg-db"))
