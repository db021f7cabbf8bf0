"""Checks of the vpc_nacl lab: security groups and network ACLs, judged by traffic the model simulates.

Emulators store security groups and network ACLs and evaluate none of them, so the grader never asks
the emulator whether a packet passes: it reads back what the learner left (describe_* through the
grader's own client) and decides each flow with awslab.models.vpc, hop by hop, the way AWS documents it.

The grader builds the three-tier VPC (10.0.0.0/16: public web 10.0.1.0/24 with a route to an
internet gateway, private app 10.0.2.0/24 and db 10.0.3.0/24), the learner's functions create the
groups, the ACLs and their associations, and the grader then places one interface per tier with the
tier's group (web's with an Elastic IP), plus two interfaces of its own that have none of the
learner's groups: one in web's subnet, one in app's. Checks of one layer judge only that layer's hops
(a security group check never depends on an ACL, and the reverse), so each mistake costs its own check.
"""

from __future__ import annotations

import ipaddress
import random

from awslab.lab import CheckFailed, check, fixture, render_flow, vpc

TIERS = {"web": "10.0.1.0/24", "app": "10.0.2.0/24", "db": "10.0.3.0/24"}
HOSTS = {"web": "10.0.1.10", "app": "10.0.2.10", "db": "10.0.3.10"}
STRANGERS = {"web": "10.0.1.20", "app": "10.0.2.20"}  # in a tier's subnet, without the tier's group
ABUSIVE = "198.51.100.0/24"
ABUSERS = ("198.51.100.7", "198.51.100.254")
NEIGHBOURS = ("198.51.101.5", "198.51.99.250", "203.0.113.9")  # just outside the abusive range, and anyone
CLIENT = "203.0.113.9"
CLIENTS = {"windows": "a Windows client", "linux": "a Linux client", "nat-gateway": "a client behind a NAT gateway"}
PORTS = {"web": 443, "app": 8080, "db": 5432}


# -- the grader's VPC ------------------------------------------------------------------------------------
def _tag(name: str, kind: str) -> list[dict]:
    return [{"ResourceType": kind, "Tags": [{"Key": "Name", "Value": name}]}]


@fixture
def lab_vpc(ctx):
    ec2 = ctx.client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=_tag("three-tier", "vpc"))["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    tiers = {}
    for tier, cidr in TIERS.items():
        subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr, TagSpecifications=_tag(tier, "subnet"))["Subnet"]
        tiers[tier] = {"subnet_id": subnet["SubnetId"], "cidr": cidr}
    public = ec2.create_route_table(VpcId=vpc_id, TagSpecifications=_tag("public", "route-table"))["RouteTable"]
    ec2.create_route(RouteTableId=public["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=public["RouteTableId"], SubnetId=tiers["web"]["subnet_id"])
    return {"vpc_id": vpc_id, "tiers": tiers}


def _ids(ctx, returned, what: str, kind: str, known: set[str]) -> dict:
    if not isinstance(returned, dict) or set(returned) != set(TIERS):
        raise CheckFailed(f"{what} returned {returned!r}, not a dict {{'web': ..., 'app': ..., 'db': ...}} of {kind} ids")
    unknown = {tier: value for tier, value in returned.items() if value not in known}
    if unknown:
        raise CheckFailed(f"{what} returned {unknown}: not {kind}s of the lab's VPC "
                          f"(the VPC has {', '.join(sorted(known)) or 'none'})")
    return dict(returned)


@fixture
def groups(ctx):
    made = ctx.use(lab_vpc)
    returned = ctx.learner.create_security_groups(ctx.learner_client("ec2"), made["vpc_id"])
    known = {g["GroupId"] for g in ctx.client("ec2").describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [made["vpc_id"]]}])["SecurityGroups"]}
    return _ids(ctx, returned, "create_security_groups()", "security group", known)


@fixture
def acls(ctx):
    made = ctx.use(lab_vpc)
    tiers = {tier: dict(value) for tier, value in made["tiers"].items()}
    returned = ctx.learner.create_network_acls(ctx.learner_client("ec2"), made["vpc_id"], tiers, ABUSIVE)
    found = {a["NetworkAclId"]: a for a in ctx.client("ec2").describe_network_acls(
        Filters=[{"Name": "vpc-id", "Values": [made["vpc_id"]]}])["NetworkAcls"] if not a.get("IsDefault")}
    made_acls = _ids(ctx, returned, "create_network_acls()", "custom network ACL", set(found))
    for tier, acl in made_acls.items():
        for entry in found[acl].get("Entries") or []:
            refused = _refused_entry(entry)
            if refused:
                raise CheckFailed(f"{tier}'s ACL {acl} holds an entry AWS refuses to create ({refused}): "
                                  f"{_entry_words(entry)}. On AWS create_network_acl_entry fails there, and so "
                                  "does create_network_acls()")
    return made_acls


def _entry_words(entry: dict) -> str:
    ports = entry.get("PortRange")
    return (f"rule {entry.get('RuleNumber')} {'outbound' if entry.get('Egress') else 'inbound'} "
            f"{entry.get('RuleAction')} protocol {entry.get('Protocol')} "
            f"{entry.get('CidrBlock') or entry.get('Ipv6CidrBlock')}"
            + (f" ports {ports.get('From')}-{ports.get('To')}" if ports else ""))


def _refused_entry(entry: dict) -> str | None:
    """Why CreateNetworkAclEntry refuses what moto stored (None: AWS accepts it). AWS's API reference
    (CreateNetworkAclEntry): RuleNumber "Positive integer from 1 to 32766. The range 32767 to 65535 is
    reserved for internal use"; PortRange "Required if specifying protocol 6 (TCP) or 17 (UDP)".
    The `*` rule AWS lists itself (32767, deny all) is not the learner's."""
    try:
        number = int(entry.get("RuleNumber"))
    except (TypeError, ValueError):
        return f"RuleNumber {entry.get('RuleNumber')!r} is not a number"
    if number == vpc.STAR and str(entry.get("RuleAction")).lower() == "deny" and str(entry.get("Protocol")) == "-1":
        return None
    if not 1 <= number <= 32766:
        return (f"RuleNumber {number}: rule numbers are 1-32766, 32767-65535 are reserved for AWS's own rules; "
                "the rule * is always last, and a rule of yours numbered 32766 is the latest you can place")
    try:
        protocol = vpc.protocol_number(entry.get("Protocol", "-1"))
    except vpc.FlowError:
        return f"Protocol {entry.get('Protocol')!r} is not a protocol"
    if protocol in (6, 17):
        span = entry.get("PortRange")
        if not span or span.get("From") is None or span.get("To") is None:
            return (f"protocol {entry.get('Protocol')} without a PortRange: tcp and udp entries need one "
                    "(PortRange={'From': 0, 'To': 65535} for every port, or Protocol '-1')")
        if not 0 <= int(span["From"]) <= int(span["To"]) <= 65535:
            return f"PortRange {span['From']}-{span['To']} is not a range of ports 0-65535"
    return None


@fixture
def associated(ctx):
    made, made_acls = ctx.use(lab_vpc), ctx.use(acls)
    ctx.learner.associate_network_acls(ctx.learner_client("ec2"), dict(made_acls),
                                       {tier: dict(value) for tier, value in made["tiers"].items()})
    return True


@fixture
def hosts(ctx):
    """One interface per tier with the tier's group (web's public through an Elastic IP), and two
    strangers with only the grader's group (all outbound, no inbound). Without the learner's groups
    the tier hosts get the grader's, so the ACL checks still judge the ACLs."""
    made = ctx.use(lab_vpc)
    ec2 = ctx.client("ec2")
    probe = ec2.create_security_group(GroupName="grader-probe", Description="the grader's own hosts",
                                      VpcId=made["vpc_id"])["GroupId"]
    try:
        made_groups = ctx.use(groups)
    except Exception:  # noqa: BLE001 - the group checks say why; the ACL checks still judge the ACLs
        made_groups = {tier: probe for tier in TIERS}
    found = {}
    for tier, address in HOSTS.items():
        eni = ec2.create_network_interface(SubnetId=made["tiers"][tier]["subnet_id"], PrivateIpAddress=address,
                                           Groups=[made_groups[tier]], Description=f"{tier} host")["NetworkInterface"]
        found[tier] = eni["NetworkInterfaceId"]
    for tier, address in STRANGERS.items():
        ec2.create_network_interface(SubnetId=made["tiers"][tier]["subnet_id"], PrivateIpAddress=address,
                                     Groups=[probe], Description=f"a stranger in {tier}'s subnet")
    allocation = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=allocation["AllocationId"], NetworkInterfaceId=found["web"])
    return {"public_web": allocation["PublicIp"]}


@fixture
def network(ctx):
    """The VPC as the learner left it, read back as describe_* answers (ACLs as they are, even when
    the learner's ACL functions failed: the ACL checks use those fixtures and say so themselves)."""
    made, placed = ctx.use(lab_vpc), ctx.use(hosts)
    try:
        ctx.use(associated)
    except Exception:  # noqa: BLE001 - reported by the checks that judge the ACLs
        pass
    return {"network": vpc.Network(vpc.describe_vpc(ctx.client("ec2"), made["vpc_id"])), **placed}


def _flow(source: str, destination: str, port: int, client: str = "linux", protocol: str = "tcp") -> dict:
    return {"source": source, "destination": destination, "port": port, "protocol": protocol, "client": client}


def _decide(ctx, flow: dict) -> vpc.Decision:
    return vpc.decide(ctx.use(network)["network"], flow)


def _show(ctx, title: str, decision) -> None:
    try:
        ctx.show(title, render_flow(decision, title))
    except Exception:  # noqa: BLE001 - a picture never costs a check
        pass


def _connects(ctx, title: str, flows: list[tuple[str, dict]]) -> None:
    """Every flow connects: the request gets in and the reply gets back."""
    ctx.use(groups)
    ctx.use(associated)
    refused = []
    for label, flow in flows:
        decision = _decide(ctx, flow)
        if not decision.allowed:
            refused.append((label, decision))
    if not refused:
        ctx.note(f"{len(flows)} flow(s) connect and their replies get back")
        _show(ctx, title, _decide(ctx, flows[0][1]))
        return
    _show(ctx, title, refused[0][1])
    (label, first), others = refused[0], refused[1:]
    said = [f"{label} is refused at {first.refusal.where}: {first.refusal.detail}"]
    said += [f"{label}: " + (d.refusal.detail if d.refusal.where == first.refusal.where else
                             f"refused at {d.refusal.where}: {d.refusal.detail}") for label, d in others]
    ctx.fail("; ".join(said))


def _acl_hops(decision) -> list:
    return [h for h in decision.hops if h.layer == "network ACL" and h.stage == "request" and not h.skipped]


# -- flows that must connect -----------------------------------------------------------------------------
@check("Clients on the internet reach web on 443, and the reply gets back to every kind of client", points=3,
       hint="Stateless: web's ACL must let 443 in AND the reply out. The reply goes to the client's ephemeral "
            "port, which its OS picks: Windows 49152-65535, Linux 32768-61000, a NAT gateway 1024-65535. "
            "Open the outbound reply range 1024-65535.")
def internet_reaches_web(ctx):
    public = ctx.use(network)["public_web"]
    _connects(ctx, "internet → web 443", [(f"{words} ({CLIENT}) → web {public}:443", _flow(CLIENT, public, 443, kind))
                                          for kind, words in CLIENTS.items()])


@check("web reaches app on 8080 and app reaches db on 5432, replies included", points=2,
       hint="Each tier's ACL must let the request out of one subnet and into the next, and the reply back the "
            "other way on the client's ephemeral ports (the hosts run Amazon Linux: 32768-61000, or open "
            "1024-65535). The app group admits web's group; db's admits app's.")
def tiers_reach_the_next_tier(ctx):
    _connects(ctx, "web → app 8080, app → db 5432", [
        ("web → app:8080", _flow(HOSTS["web"], HOSTS["app"], 8080)),
        ("app → db:5432", _flow(HOSTS["app"], HOSTS["db"], 5432))])


# -- what the network ACLs must refuse ---------------------------------------------------------------------
@check(f"The abusive range {ABUSIVE} is refused on every port, while everyone else gets 443", points=3,
       hint="Network ACL rules are read from the LOWEST number up and the first match decides: a deny placed "
            "after the broad allow is never reached. Give the deny a smaller number (e.g. 90 before 100), and "
            "make it cover exactly the abusive /24.")
def abusive_range_is_refused(ctx):
    public = ctx.use(network)["public_web"]
    ctx.use(associated)
    for abuser in ABUSERS:
        for protocol, port in (("tcp", 443), ("tcp", 80), ("tcp", 22), ("tcp", 8080), ("tcp", 50000), ("udp", 53)):
            decision = _decide(ctx, _flow(abuser, public, port, protocol=protocol))
            hop = decision.hop("nacl-in")
            if hop.allowed:
                _show(ctx, f"{abuser} → web {port}", decision)
                acl = ctx.use(network)["network"].acl_of(ctx.use(lab_vpc)["tiers"]["web"]["subnet_id"])
                later = [r for r in acl.inbound if not r.allow and not r.star and r.cidr is not None
                         and r.cidr.supernet_of(ipaddress.ip_network(ABUSIVE))]
                after = (f"; your {later[0].describe()} comes after it and is never reached: the lowest number "
                         "decides" if later else "")
                ctx.fail(f"{abuser} → web:{port} ({protocol}) gets in at {hop.where}: {hop.detail}{after}")
    for neighbour in NEIGHBOURS:
        hop = _decide(ctx, _flow(neighbour, public, 443)).hop("nacl-in")
        ctx.expect(hop.allowed, f"{neighbour} (not in {ABUSIVE}) is refused 443 at {hop.where}: {hop.detail}")
    ctx.note(f"{ABUSIVE} is refused on tcp 443, 80, 22, 8080, 50000 and udp 53 by web's ACL; its neighbours get 443")


@check("The internet cannot reach app or db: their network ACLs refuse it, whatever the routes say", points=2,
       hint="app and db have no route to the internet today; one route table change would expose them. Their "
            "ACLs should admit only the tier in front (web's subnet for app, app's for db), not 0.0.0.0/0.")
def internet_cannot_reach_app_or_db(ctx):
    ctx.use(associated)
    said = []
    for tier in ("app", "db"):
        for protocol, port in (("tcp", PORTS[tier]), ("tcp", 22), ("udp", PORTS[tier]), ("udp", 53)):
            decision = _decide(ctx, _flow(CLIENT, HOSTS[tier], port, protocol=protocol))
            refusing = [h for h in _acl_hops(decision) if not h.allowed]
            if not refusing:
                _show(ctx, f"internet → {tier} {port}", decision)
                hop = decision.hop("nacl-in")
                ctx.fail(f"internet ({CLIENT}) → {tier}:{port} ({protocol}) gets through {hop.where}: {hop.detail}; "
                         f"only the missing route stops it")
            if port == PORTS[tier] and protocol == "tcp":
                said.append(f"{tier}: {refusing[0].detail}")
    ctx.note("refused (and on tcp 22, udp 53 and udp to the service port too): " + "; ".join(said))


@check("web cannot reach db: the network ACLs keep db for app alone", points=2,
       hint="db's ACL admits 5432 from app's subnet only (not the whole VPC, 10.0.0.0/16): least privilege "
            "between tiers at the subnet boundary too, not only in the security groups.")
def web_cannot_reach_db(ctx):
    ctx.use(associated)
    for label, source in (("web", HOSTS["web"]), ("a stranger in web's subnet", STRANGERS["web"])):
        for port in (5432, 22):
            decision = _decide(ctx, _flow(source, HOSTS["db"], port))
            if all(h.allowed for h in _acl_hops(decision)):
                _show(ctx, f"web → db {port}", decision)
                ctx.fail(f"{label} ({source}) → db:{port} passes the network ACLs: "
                         + "; ".join(f"{h.where}: {h.detail}" for h in _acl_hops(decision)))


@check("Each tier's subnet is associated with its own custom network ACL", points=2,
       hint="A new subnet uses the VPC's default ACL, which allows everything. replace_network_acl_association "
            "moves a subnet to your ACL: find the subnet's current association with describe_network_acls "
            "(Filters=[{'Name': 'association.subnet-id', 'Values': [subnet_id]}]).")
def subnets_use_their_acls(ctx):
    made, made_acls = ctx.use(lab_vpc), ctx.use(acls)
    ctx.use(associated)
    net = ctx.use(network)["network"]
    owner = {acl: tier for tier, acl in made_acls.items()}
    for tier, value in made["tiers"].items():
        acl = net.acl_of(value["subnet_id"])
        if acl.id == made_acls[tier]:
            continue
        what = ("the VPC's default ACL (which allows all traffic)" if acl.default else
                f"{acl.id}, the ACL you returned for {owner[acl.id]}" if acl.id in owner else acl.id)
        ctx.fail(f"subnet {tier} ({value['subnet_id']}) uses {what}, not {made_acls[tier]}")
    ctx.expect(len(set(made_acls.values())) == 3, f"the tiers share ACLs: {made_acls}")


# -- what the security groups must refuse ------------------------------------------------------------------
def _group_verdicts(ctx, tier: str, cases: list[tuple]) -> None:
    """Judged on the server's group alone (hop sg-in): (label, source, port, admitted[, protocol])."""
    ctx.use(groups)
    for label, source, port, admitted, *rest in cases:
        protocol = rest[0] if rest else "tcp"
        destination = ctx.use(network)["public_web"] if tier == "web" else HOSTS[tier]
        decision = _decide(ctx, _flow(source, destination, port, protocol=protocol))
        hop = decision.hop("sg-in")
        if hop.allowed != admitted:
            _show(ctx, f"{label} → {tier} {port}", decision)
            on = f"{port}" if protocol == "tcp" else f"{protocol} {port}"
            ctx.fail(f"{tier}'s group {'refuses' if admitted else 'admits'} {label} ({source}) on {on}: {hop.detail}")


@check("web's group admits 443 from anywhere and nothing else from the internet", points=1,
       hint="One inbound rule: tcp 443 from 0.0.0.0/0. No SSH (22) or other port open to the world.")
def web_group_admits_only_https(ctx):
    _group_verdicts(ctx, "web", [("a client on the internet", CLIENT, 443, True)] + [
        ("a client on the internet", CLIENT, port, False) for port in (22, 80, 3389, 8080)] + [
        ("a client on the internet", CLIENT, port, False, "udp") for port in (53, 3389)])


@check("app's group admits 8080 only from web's group (not from web's subnet, not from anyone else)", points=2,
       hint="Name web's group as the source: IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 8080, 'ToPort': "
            "8080, 'UserIdGroupPairs': [{'GroupId': web_group_id}]}]. A CIDR admits every host of the subnet.")
def app_group_admits_only_web(ctx):
    _group_verdicts(ctx, "app", [
        ("web", HOSTS["web"], 8080, True), ("a stranger in web's subnet", STRANGERS["web"], 8080, False),
        ("db", HOSTS["db"], 8080, False), ("a client on the internet", CLIENT, 8080, False),
        ("web", HOSTS["web"], 22, False), ("a client on the internet", CLIENT, 8080, False, "udp")])


@check("db's group admits 5432 only from app's group", points=2,
       hint="Name app's group as the source of tcp 5432, never 0.0.0.0/0 or the VPC's CIDR: the database "
            "answers app, and nothing else.")
def db_group_admits_only_app(ctx):
    _group_verdicts(ctx, "db", [
        ("app", HOSTS["app"], 5432, True), ("a stranger in app's subnet", STRANGERS["app"], 5432, False),
        ("web", HOSTS["web"], 5432, False), ("a client on the internet", CLIENT, 5432, False),
        ("app", HOSTS["app"], 22, False), ("a client on the internet", CLIENT, 5432, False, "udp")])


# -- can_reach: the learner's own reasoning, on the grader's hidden VPCs -------------------------------------
class Scenario:
    """A VPC written as describe_* answers (the shapes EC2 gives), for can_reach."""

    def __init__(self, name: str) -> None:
        self.vpc = f"vpc-{name}"
        self.d: dict = {"Vpcs": [{"VpcId": self.vpc, "CidrBlock": "172.16.0.0/16", "IsDefault": False}],
                        "Subnets": [], "RouteTables": [], "SecurityGroups": [], "NetworkInterfaces": [],
                        "NetworkAcls": [{"NetworkAclId": f"acl-{name}-default", "VpcId": self.vpc, "IsDefault": True,
                                         "Associations": [], "Tags": [], "Entries": [
                                             {"RuleNumber": n, "Protocol": "-1", "RuleAction": a, "Egress": e,
                                              "CidrBlock": "0.0.0.0/0"} for e in (True, False)
                                             for n, a in ((100, "allow"), (32767, "deny"))]}]}
        self.d["RouteTables"].append({"RouteTableId": f"rtb-{name}", "VpcId": self.vpc, "Associations": [
            {"Main": True, "RouteTableAssociationId": f"rtbassoc-{name}"}], "Routes": [
            {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": f"igw-{name}", "State": "active"},
            {"DestinationCidrBlock": "172.16.0.0/16", "GatewayId": "local", "State": "active"}]})
        self.name = name

    def subnet(self, n: int, acl_entries: list[dict] | None = None) -> "Scenario":
        """Subnet 172.16.n.0/24; with entries, its own ACL (describe lists no `*` for it, as moto)."""
        subnet = f"subnet-{self.name}-{n}"
        self.d["Subnets"].append({"SubnetId": subnet, "VpcId": self.vpc, "CidrBlock": f"172.16.{n}.0/24",
                                  "Tags": [{"Key": "Name", "Value": f"s{n}"}]})
        if acl_entries is not None:
            self.d["NetworkAcls"].append({"NetworkAclId": f"acl-{self.name}-{n}", "VpcId": self.vpc, "IsDefault": False,
                                          "Entries": acl_entries, "Tags": [], "Associations": [
                                              {"NetworkAclAssociationId": f"aclassoc-{self.name}-{n}",
                                               "NetworkAclId": f"acl-{self.name}-{n}", "SubnetId": subnet}]})
        else:
            self.d["NetworkAcls"][0]["Associations"].append({
                "NetworkAclAssociationId": f"aclassoc-{self.name}-{n}", "NetworkAclId": f"acl-{self.name}-default",
                "SubnetId": subnet})
        return self

    def group(self, name: str, inbound: list[dict], outbound: list[dict] | None = None) -> "Scenario":
        self.d["SecurityGroups"].append({"GroupId": f"sg-{self.name}-{name}", "GroupName": name, "VpcId": self.vpc,
                                         "Description": name, "IpPermissions": inbound, "IpPermissionsEgress":
                                         [_permission("-1", cidr="0.0.0.0/0")] if outbound is None else outbound})
        return self

    def host(self, address: str, n: int, *group_names: str, public: str | None = None) -> "Scenario":
        eni = {"NetworkInterfaceId": f"eni-{self.name}-{address.replace('.', '')}", "SubnetId": f"subnet-{self.name}-{n}",
               "VpcId": self.vpc, "PrivateIpAddress": address, "Status": "in-use",
               "PrivateIpAddresses": [{"Primary": True, "PrivateIpAddress": address}],
               "Groups": [{"GroupId": f"sg-{self.name}-{g}", "GroupName": g} for g in group_names]}
        if public:
            eni["Association"] = {"PublicIp": public, "IpOwnerId": "amazon"}
            eni["PrivateIpAddresses"][0]["Association"] = {"PublicIp": public, "IpOwnerId": "amazon"}
        self.d["NetworkInterfaces"].append(eni)
        return self


def _entry(number: int, action: str, cidr: str, ports=None, protocol: str = "6", egress: bool = False) -> dict:
    entry = {"RuleNumber": number, "Protocol": protocol, "RuleAction": action, "Egress": egress, "CidrBlock": cidr}
    if ports is not None:
        low, high = (ports, ports) if isinstance(ports, int) else ports
        entry["PortRange"] = {"From": low, "To": high}
    return entry


def _out(number: int, action: str, cidr: str, ports=None, protocol: str = "6") -> dict:
    return _entry(number, action, cidr, ports, protocol, egress=True)


def _permission(protocol: str, ports=None, cidr: str | None = None, group: str | None = None) -> dict:
    permission: dict = {"IpProtocol": protocol, "IpRanges": [], "Ipv6Ranges": [], "PrefixListIds": [],
                        "UserIdGroupPairs": []}
    if ports is not None:
        low, high = (ports, ports) if isinstance(ports, int) else ports
        permission.update(FromPort=low, ToPort=high)
    if cidr:
        permission["IpRanges"].append({"CidrIp": cidr})
    if group:
        permission["UserIdGroupPairs"].append({"GroupId": group, "UserId": "123456789012"})
    return permission


OPEN = [_permission("-1", cidr="0.0.0.0/0")]
REPLIES_IN = _entry(500, "allow", "0.0.0.0/0", (32768, 65535))


def acl_scenario() -> Scenario:
    """Open groups everywhere: only the ACLs decide. Replies always pass (outbound all, replies in)."""
    s = Scenario("order")
    s.subnet(1, [_entry(50, "deny", "0.0.0.0/0", 22), _entry(90, "deny", "198.51.100.0/24", protocol="-1"),
                 _entry(100, "allow", "172.16.0.0/16", protocol="-1"), _entry(120, "allow", "0.0.0.0/0", 443),
                 _entry(200, "deny", "192.0.2.0/24", protocol="-1"), REPLIES_IN, _out(100, "allow", "0.0.0.0/0", protocol="-1")])
    s.subnet(2, [_entry(90, "deny", "172.16.1.128/25", 8050), _entry(100, "allow", "172.16.1.0/24", (8000, 8100)),
                 _entry(110, "deny", "172.16.1.0/24", 8080), _entry(130, "allow", "172.16.0.0/16", 53, protocol="17"),
                 REPLIES_IN, _entry(510, "allow", "0.0.0.0/0", (32768, 65535), protocol="17"),
                 _out(100, "allow", "0.0.0.0/0", protocol="-1")])
    s.subnet(3, [])  # a custom ACL without rules
    s.subnet(4)      # no association of its own: the default ACL, edited here (AWS lets you edit it)
    s.d["NetworkAcls"][0]["Entries"].append(_entry(90, "deny", "0.0.0.0/0", 9000))
    s.group("open", OPEN)
    for address, n, public in (("172.16.1.10", 1, "198.18.1.10"), ("172.16.1.200", 1, "198.18.1.200"),
                               ("172.16.2.10", 2, None), ("172.16.2.11", 2, None), ("172.16.3.10", 3, None),
                               ("172.16.3.11", 3, None), ("172.16.4.10", 4, None)):
        s.host(address, n, "open", public=public)
    return s


def acl_flows() -> list[dict]:
    rng = random.Random(24)
    flows = [
        ("203.0.113.9", "198.18.1.10", 443), ("198.51.100.7", "198.18.1.10", 443), ("192.0.2.5", "198.18.1.10", 443),
        ("203.0.113.9", "198.18.1.10", 22), ("203.0.113.9", "198.18.1.10", 80), ("172.16.2.10", "172.16.1.10", 22),
        ("172.16.2.10", "172.16.1.10", 3306), ("172.16.1.10", "172.16.2.10", 8080), ("172.16.1.200", "172.16.2.10", 8050),
        ("172.16.1.200", "172.16.2.10", 8051), ("172.16.1.10", "172.16.2.10", 8050), ("172.16.1.10", "172.16.2.10", 8101),
        ("172.16.1.10", "172.16.2.10", 8000), ("172.16.1.10", "172.16.2.10", 7999), ("172.16.2.10", "172.16.2.11", 22),
        ("172.16.3.10", "172.16.3.11", 5432), ("172.16.1.10", "172.16.3.10", 5432), ("172.16.4.10", "172.16.1.10", 3306),
        ("172.16.1.10", "172.16.4.10", 9000), ("172.16.4.10", "172.16.3.10", 22), ("198.51.100.7", "198.18.1.200", 22),
    ]
    found = [{"source": a, "destination": b, "protocol": "tcp", "port": p, "source_port": rng.randint(32768, 60999)}
             for a, b, p in flows]
    found += [{"source": "172.16.1.10", "destination": "172.16.2.10", "protocol": "udp", "port": 53,
               "source_port": 40000},
              {"source": "172.16.4.10", "destination": "172.16.2.10", "protocol": "udp", "port": 53,
               "source_port": 40001},
              {"source": "172.16.4.10", "destination": "172.16.2.10", "protocol": "tcp", "port": 53,
               "source_port": 40002}]
    return found


def reply_scenario() -> Scenario:
    """Open groups: the ACLs decide, and most flows turn on the reply's port."""
    s = Scenario("reply")
    s.subnet(1, [_entry(100, "allow", "0.0.0.0/0", 443), _entry(110, "allow", "172.16.2.0/24", (32768, 61000)),
                 _out(100, "allow", "0.0.0.0/0", (32768, 61000)), _out(110, "allow", "172.16.2.0/24", 8080)])
    s.subnet(2, [_entry(100, "allow", "172.16.1.0/24", 8080), _entry(110, "allow", "172.16.3.0/24", (1024, 65535)),
                 _out(100, "allow", "172.16.1.0/24", (49152, 65535)), _out(110, "allow", "172.16.3.0/24", 5432)])
    s.subnet(3, [_entry(100, "allow", "172.16.2.0/24", 5432), _out(90, "deny", "0.0.0.0/0", (40000, 45000)),
                 _out(100, "allow", "172.16.2.0/24", (1024, 65535))])
    s.group("open", OPEN)
    for address, n, public in (("172.16.1.10", 1, "198.18.3.10"), ("172.16.2.10", 2, None), ("172.16.3.10", 3, None)):
        s.host(address, n, "open", public=public)
    return s


def reply_flows() -> list[dict]:
    flows = [
        ("203.0.113.9", "198.18.3.10", 443, 40000), ("203.0.113.9", "198.18.3.10", 443, 50000),
        ("203.0.113.9", "198.18.3.10", 443, 62000), ("203.0.113.9", "198.18.3.10", 443, 2000),
        ("203.0.113.9", "198.18.3.10", 443, 61000), ("203.0.113.9", "198.18.3.10", 443, 61001),
        ("172.16.1.10", "172.16.2.10", 8080, 40000), ("172.16.1.10", "172.16.2.10", 8080, 50000),
        ("172.16.1.10", "172.16.2.10", 8080, 62000), ("172.16.1.10", "172.16.2.10", 8080, 61000),
        ("172.16.1.10", "172.16.2.10", 8080, 61001), ("172.16.2.10", "172.16.3.10", 5432, 40000),
        ("172.16.2.10", "172.16.3.10", 5432, 46000), ("172.16.2.10", "172.16.3.10", 5432, 1500),
        ("172.16.2.10", "172.16.3.10", 5432, 45000), ("172.16.3.10", "172.16.2.10", 8080, 40000),
        ("172.16.3.10", "172.16.2.10", 8080, 50000), ("172.16.1.10", "172.16.2.10", 8081, 50000),
    ]
    return [{"source": a, "destination": b, "protocol": "tcp", "port": p, "source_port": sp} for a, b, p, sp in flows]


def group_scenario() -> Scenario:
    """The default ACL everywhere (allows all): only the security groups decide."""
    s = Scenario("groups")
    for n in (1, 2, 3, 9):
        s.subnet(n)
    s.group("lb", [_permission("tcp", 443, cidr="0.0.0.0/0")])
    s.group("web", [_permission("tcp", 8080, group="sg-groups-lb")], outbound=[_permission("tcp", 5432, group="sg-groups-db")])
    s.group("db", [_permission("tcp", 5432, group="sg-groups-web")], outbound=[])
    s.group("admin", [_permission("tcp", 22, cidr="172.16.9.0/24")])
    s.group("ops", [])
    s.group("any", [_permission("-1", group="sg-groups-ops")])
    s.host("172.16.1.10", 1, "lb", public="198.18.4.10").host("172.16.2.10", 2, "web").host("172.16.2.11", 2, "web", "admin")
    s.host("172.16.2.12", 2, "ops").host("172.16.3.10", 3, "db").host("172.16.9.5", 9, "ops").host("172.16.3.11", 3, "any")
    return s


def group_flows() -> list[dict]:
    flows = [
        ("203.0.113.9", "198.18.4.10", 443, "tcp"), ("203.0.113.9", "198.18.4.10", 80, "tcp"),
        ("203.0.113.9", "198.18.4.10", 443, "udp"), ("172.16.1.10", "172.16.2.10", 8080, "tcp"),
        ("172.16.1.10", "172.16.2.10", 8081, "tcp"), ("172.16.2.12", "172.16.2.10", 8080, "tcp"),
        ("172.16.2.11", "172.16.2.10", 8080, "tcp"), ("172.16.2.10", "172.16.3.10", 5432, "tcp"),
        ("172.16.2.11", "172.16.3.10", 5432, "tcp"), ("172.16.2.12", "172.16.3.10", 5432, "tcp"),
        ("172.16.2.10", "172.16.1.10", 443, "tcp"), ("172.16.9.5", "172.16.2.11", 22, "tcp"),
        ("172.16.9.5", "172.16.2.10", 22, "tcp"), ("172.16.3.10", "172.16.2.10", 8080, "tcp"),
        ("172.16.9.5", "172.16.3.11", 6379, "udp"), ("172.16.2.12", "172.16.3.11", 1, "tcp"),
        ("172.16.1.10", "172.16.3.11", 6379, "tcp"),
    ]
    return [{"source": a, "destination": b, "protocol": proto, "port": p, "source_port": 40000 + i}
            for i, (a, b, p, proto) in enumerate(flows)]


def _compare(ctx, scenario: Scenario, flows: list[dict], label: str) -> None:
    if not ctx.learner.has("can_reach"):
        ctx.fail("can_reach(flow, description) is missing")
    net = vpc.Network(scenario.d)
    wrong = []
    for flow in flows:
        expected = vpc.decide(net, flow)
        got = ctx.learner.can_reach(dict(flow), scenario.d)
        if got is not expected.allowed:
            wrong.append((flow, expected, got))
    if not wrong:
        ctx.note(f"can_reach agrees with awslab.models.vpc on {len(flows)} {label} flows")
        return
    flow, expected, got = wrong[0]
    _show(ctx, f"can_reach, {label}: the first disagreement", expected)
    ctx.fail(f"{len(wrong)} of {len(flows)} {label} flows disagree; first: {flow} returned {got!r}, expected "
             f"{expected.allowed} ({expected.reason})")


@check("can_reach reads network ACL rules as AWS does: lowest number first, * last, not within a subnet", points=3,
       hint="Sort each direction's entries by RuleNumber, ascending; the first that matches (protocol, CIDR, port "
            "range) decides; none: denied. A subnet with no association uses the default ACL. Two interfaces of "
            "one subnet talk without crossing any ACL.")
def can_reach_reads_acls(ctx):
    _compare(ctx, acl_scenario(), acl_flows(), "network-ACL")


@check("can_reach follows the reply: ACLs are stateless, on the client's source port", points=3,
       hint="After the request (client's subnet outbound, server's subnet inbound, on `port`), the reply must pass "
            "the server's subnet outbound and the client's subnet inbound, on flow['source_port'].")
def can_reach_follows_replies(ctx):
    _compare(ctx, reply_scenario(), reply_flows(), "reply")


@check("can_reach reads security groups: allow-only, stateful, groups as sources", points=3,
       hint="The client's groups must allow the request out and the server's groups let it in (any rule of any "
            "group). A rule naming a group matches interfaces that have that group. Replies pass the groups "
            "without any rule: they are stateful.")
def can_reach_reads_groups(ctx):
    _compare(ctx, group_scenario(), group_flows(), "security-group")
