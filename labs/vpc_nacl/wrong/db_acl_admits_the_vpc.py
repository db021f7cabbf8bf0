# db's ACL admits 5432 from the whole VPC (10.0.0.0/16) and answers it: web reaches db's port.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    acls = _reference_acls(ec2, vpc_id, tiers, abusive_cidr)
    ec2.replace_network_acl_entry(NetworkAclId=acls["db"], RuleNumber=100, RuleAction="allow", Protocol="6",
                                  Egress=False, CidrBlock="10.0.0.0/16", PortRange={"From": 5432, "To": 5432})
    ec2.replace_network_acl_entry(NetworkAclId=acls["db"], RuleNumber=100, RuleAction="allow", Protocol="6",
                                  Egress=True, CidrBlock="10.0.0.0/16", PortRange={"From": 1024, "To": 65535})
    return acls
