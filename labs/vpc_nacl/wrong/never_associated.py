# The ACLs are made but never associated: every subnet stays on the default ACL, which allows all.
def associate_network_acls(ec2, acls, tiers):
    return None
