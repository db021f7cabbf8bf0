# Stateless thinking in the security groups: every reply gets an outbound rule of its own, and the
# default allow-all outbound rule is replaced by exactly the requests and replies each tier sends.
# Harmless, so not a wrong answer (it loses nothing): security groups are stateful, the reply rules
# are never needed, and the requests still go out.
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    everything = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    web, app, db = groups["web"], groups["app"], groups["db"]

    def tcp(low, high, cidr=None, group=None):
        rule = {"IpProtocol": "tcp", "FromPort": low, "ToPort": high}
        if cidr:
            rule["IpRanges"] = [{"CidrIp": cidr}]
        else:
            rule["UserIdGroupPairs"] = [{"GroupId": group}]
        return rule

    for group in (web, app, db):
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=everything)
    ec2.authorize_security_group_egress(GroupId=web, IpPermissions=[tcp(1024, 65535, cidr="0.0.0.0/0"),
                                                                   tcp(8080, 8080, group=app)])
    ec2.authorize_security_group_egress(GroupId=app, IpPermissions=[tcp(1024, 65535, group=web),
                                                                   tcp(5432, 5432, group=db)])
    ec2.authorize_security_group_egress(GroupId=db, IpPermissions=[tcp(1024, 65535, group=app)])
    return groups
