# The "descending" misreading: the deny of the abusive range gets the bigger number, after the allow.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    web, app, db = tiers["web"]["cidr"], tiers["app"]["cidr"], tiers["db"]["cidr"]
    acls = {tier: acl for tier, acl in _reference_acls(ec2, vpc_id, tiers, abusive_cidr).items()}
    ec2.delete_network_acl_entry(NetworkAclId=acls["web"], RuleNumber=90, Egress=False)
    ec2.create_network_acl_entry(NetworkAclId=acls["web"], RuleNumber=200, RuleAction="deny", Protocol="-1",
                                 Egress=False, CidrBlock=abusive_cidr)
    return acls
