# A tcp reply rule without PortRange, meant as "all ports": AWS requires PortRange for protocol 6 and 17.
# web's reply rule: tcp to anywhere without a PortRange ("all ports"): AWS requires PortRange for 6/17
_orig_acl = _acl
def _acl(ec2, vpc_id, name, inbound, outbound):
    if name == "web":
        outbound = [r if r[0] != 100 else (100, "allow", "6", "0.0.0.0/0", None) for r in outbound]
    return _orig_acl(ec2, vpc_id, name, inbound, outbound)
