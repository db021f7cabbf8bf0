# A rule naming a group read as "the subnets where that group's interfaces are".
def _peer_matches(pair_or_range, address, peer):
    if "CidrIp" in pair_or_range:
        return ipaddress.ip_address(address) in ipaddress.ip_network(pair_or_range["CidrIp"])
    return peer is not None and any(
        peer["SubnetId"] == eni["SubnetId"] for eni in _DESCRIPTION["NetworkInterfaces"]
        if any(g["GroupId"] == pair_or_range.get("GroupId") for g in eni.get("Groups", [])))


_reference_can_reach = can_reach


def can_reach(flow, description):
    global _DESCRIPTION
    _DESCRIPTION = description
    return _reference_can_reach(flow, description)
