# app's ACL admits ssh from anywhere ("for the admins")
_orig_acl = _acl
def _acl(ec2, vpc_id, name, inbound, outbound):
    if name == "app":
        inbound = inbound + [(120, "allow", "6", "0.0.0.0/0", (22, 22))]
        outbound = outbound + [(120, "allow", "6", "0.0.0.0/0", (1024, 65535))]
    return _orig_acl(ec2, vpc_id, name, inbound, outbound)
