# web answers the internet only on Linux's ephemeral range, 32768-61000: Windows clients (49152-65535)
# lose 61001-65535, NAT gateways and load balancers (1024-65535) lose 1024-32767.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    acls = _reference_acls(ec2, vpc_id, tiers, abusive_cidr)
    ec2.replace_network_acl_entry(NetworkAclId=acls["web"], RuleNumber=100, RuleAction="allow", Protocol="6",
                                  Egress=True, CidrBlock="0.0.0.0/0", PortRange={"From": 32768, "To": 61000})
    return acls
