"""Reference solution of vpc_nacl."""

import ipaddress

EPHEMERAL = (1024, 65535)  # replies to any client: Linux, Windows, NAT gateways, load balancers


def create_security_groups(ec2, vpc_id):
    return _reference_groups(ec2, vpc_id)


def _reference_groups(ec2, vpc_id):
    def group(name, description):
        return ec2.create_security_group(GroupName=name, Description=description, VpcId=vpc_id)["GroupId"]

    web = group("web", "HTTPS from the internet")
    app = group("app", "8080 from web only")
    db = group("db", "5432 from app only")
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    ec2.authorize_security_group_ingress(GroupId=app, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": web}]}])
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "UserIdGroupPairs": [{"GroupId": app}]}])
    return {"web": web, "app": app, "db": db}


def _acl(ec2, vpc_id, name, inbound, outbound):
    acl = ec2.create_network_acl(VpcId=vpc_id, TagSpecifications=[
        {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": name}]}])["NetworkAcl"]["NetworkAclId"]
    for egress, rules in ((False, inbound), (True, outbound)):
        for number, action, protocol, cidr, ports in rules:
            entry = {"NetworkAclId": acl, "RuleNumber": number, "RuleAction": action, "Protocol": protocol,
                     "Egress": egress, "CidrBlock": cidr}
            if ports:
                entry["PortRange"] = {"From": ports[0], "To": ports[1]}
            ec2.create_network_acl_entry(**entry)
    return acl


def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    return _reference_acls(ec2, vpc_id, tiers, abusive_cidr)


def _reference_acls(ec2, vpc_id, tiers, abusive_cidr):
    web, app, db = tiers["web"]["cidr"], tiers["app"]["cidr"], tiers["db"]["cidr"]
    return {
        "web": _acl(ec2, vpc_id, "web", inbound=[
            (90, "deny", "-1", abusive_cidr, None),          # before the allows: the lowest number decides
            (100, "allow", "6", "0.0.0.0/0", (443, 443)),
            (110, "allow", "6", app, EPHEMERAL),             # app's replies to web's requests
        ], outbound=[
            (100, "allow", "6", "0.0.0.0/0", EPHEMERAL),     # replies to clients on the internet
            (110, "allow", "6", app, (8080, 8080)),
        ]),
        "app": _acl(ec2, vpc_id, "app", inbound=[
            (100, "allow", "6", web, (8080, 8080)),
            (110, "allow", "6", db, EPHEMERAL),              # db's replies
        ], outbound=[
            (100, "allow", "6", web, EPHEMERAL),             # replies to web
            (110, "allow", "6", db, (5432, 5432)),
        ]),
        "db": _acl(ec2, vpc_id, "db", inbound=[
            (100, "allow", "6", app, (5432, 5432)),
        ], outbound=[
            (100, "allow", "6", app, EPHEMERAL),             # replies to app
        ]),
    }


def associate_network_acls(ec2, acls, tiers):
    for tier, acl in acls.items():
        subnet = tiers[tier]["subnet_id"]
        current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        for association in current["NetworkAcls"][0]["Associations"]:
            if association["SubnetId"] == subnet:
                ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                                    NetworkAclId=acl)


# -- can_reach: reason from describe_* output alone --------------------------------------------------
PROTOCOLS = {"tcp": 6, "udp": 17, "icmp": 1, "-1": -1, "all": -1}


def _protocol(value):
    text = str(value).lower()
    return PROTOCOLS[text] if text in PROTOCOLS else int(text)


def _interface(description, address):
    for eni in description["NetworkInterfaces"]:
        private = {eni.get("PrivateIpAddress")} | {p.get("PrivateIpAddress") for p in eni.get("PrivateIpAddresses", [])}
        public = (eni.get("Association") or {}).get("PublicIp")
        if address in private or address == public:
            return eni
    return None  # a host on the internet


def _acl_of(description, subnet_id):
    for acl in description["NetworkAcls"]:
        if any(a.get("SubnetId") == subnet_id for a in acl.get("Associations", [])):
            return acl
    return next(acl for acl in description["NetworkAcls"] if acl.get("IsDefault"))


def _entry_matches(entry, protocol, address, port):
    if not entry.get("CidrBlock") or ipaddress.ip_address(address) not in ipaddress.ip_network(entry["CidrBlock"]):
        return False
    rule_protocol = _protocol(entry["Protocol"])
    if rule_protocol == -1:
        return True
    ports = entry.get("PortRange")
    return rule_protocol == protocol and (not ports or ports["From"] <= port <= ports["To"])


def _ordered(entries):
    return sorted(entries, key=lambda e: e["RuleNumber"])  # lowest number first


def _acl_allows(description, subnet_id, egress, protocol, address, port):
    """Stateless: the first rule (lowest number) that matches decides; none matching: rule * denies."""
    entries = [e for e in _acl_of(description, subnet_id)["Entries"] if e["Egress"] == egress]
    for entry in _ordered(entries):
        if _entry_matches(entry, protocol, address, port):
            return entry["RuleAction"] == "allow"
    return False


def _groups(description, eni):
    wanted = {g["GroupId"] for g in eni.get("Groups", [])}
    return [g for g in description["SecurityGroups"] if g["GroupId"] in wanted]


def _peer_matches(pair_or_range, address, peer):
    if "CidrIp" in pair_or_range:
        return ipaddress.ip_address(address) in ipaddress.ip_network(pair_or_range["CidrIp"])
    return peer is not None and any(g["GroupId"] == pair_or_range.get("GroupId") for g in peer.get("Groups", []))


def _group_allows(description, eni, egress, protocol, port, address, peer):
    """Allow-only: any rule of any of the interface's groups is enough."""
    for group in _groups(description, eni):
        for permission in group.get("IpPermissionsEgress" if egress else "IpPermissions", []):
            rule_protocol = _protocol(permission.get("IpProtocol", "-1"))
            if rule_protocol not in (-1, protocol):
                continue
            low, high = permission.get("FromPort", -1), permission.get("ToPort", -1)
            if rule_protocol != -1 and low not in (None, -1) and not low <= port <= high:
                continue
            peers = permission.get("IpRanges", []) + permission.get("UserIdGroupPairs", [])
            if any(_peer_matches(p, address, peer) for p in peers):
                return True
    return False


def _replies_pass_groups(description, client, server, protocol, port):
    return True  # security groups are stateful: the reply of an allowed request always passes them


def can_reach(flow, description):
    protocol, port, back = _protocol(flow.get("protocol", "tcp")), flow["port"], flow["source_port"]
    client, server = _interface(description, flow["source"]), _interface(description, flow["destination"])
    # Inside the VPC an interface is seen at its private address (the internet gateway translates).
    client_ip = client["PrivateIpAddress"] if client else flow["source"]
    server_ip = server["PrivateIpAddress"] if server else flow["destination"]
    if client and not _group_allows(description, client, True, protocol, port, server_ip, server):
        return False
    if server and not _group_allows(description, server, False, protocol, port, client_ip, client):
        return False
    if not _replies_pass_groups(description, client, server, protocol, back):
        return False
    return _acls_allow(description, client, server, protocol, port, back, client_ip, server_ip)


def _acls_allow(description, client, server, protocol, port, back, client_ip, server_ip):
    if client and server and client["SubnetId"] == server["SubnetId"]:
        return True  # a network ACL decides only what enters or leaves its subnet
    request = [(client, True, server_ip, port), (server, False, client_ip, port)]
    reply = [(server, True, client_ip, back), (client, False, server_ip, back)]  # stateless: the reply again
    return all(_acl_allows(description, end["SubnetId"], egress, protocol, address, p)
               for end, egress, address, p in request + reply if end)
