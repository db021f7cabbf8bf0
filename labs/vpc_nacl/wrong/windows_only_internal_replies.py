# Replies between tiers on Windows' range, 49152-65535, while the hosts run Amazon Linux (32768-61000).
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    acls = _reference_acls(ec2, vpc_id, tiers, abusive_cidr)
    for tier, cidr in (("app", tiers["web"]["cidr"]), ("db", tiers["app"]["cidr"])):
        ec2.replace_network_acl_entry(NetworkAclId=acls[tier], RuleNumber=100, RuleAction="allow", Protocol="6",
                                      Egress=True, CidrBlock=cidr, PortRange={"From": 49152, "To": 65535})
    return acls
