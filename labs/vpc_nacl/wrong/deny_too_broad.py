# The deny covers 198.51.0.0/16 instead of the abusive /24: innocent neighbours lose 443.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    acls = _reference_acls(ec2, vpc_id, tiers, abusive_cidr)
    ec2.replace_network_acl_entry(NetworkAclId=acls["web"], RuleNumber=90, RuleAction="deny", Protocol="-1",
                                  Egress=False, CidrBlock="198.51.0.0/16")
    return acls
