# The web ACL's broad allow numbered 32767, "just before *": AWS refuses it (rule numbers are 1-32766).
# web's broad allow numbered 32767, "just before *" (AWS: rule numbers are 1-32766)
_orig_acl = _acl
def _acl(ec2, vpc_id, name, inbound, outbound):
    if name == "web":
        inbound = [r if r[0] != 100 else (32767, *r[1:]) for r in inbound]
    return _orig_acl(ec2, vpc_id, name, inbound, outbound)
