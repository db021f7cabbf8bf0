# Stateless thinking in the security groups, inbound: web and app "let their replies back in" with
# tcp 1024-65535 from the tier they call. A group is stateful, so those replies needed nothing, and
# the rules open new connections instead: db may now open 8080 on app.
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    for tier, caller in (("web", "app"), ("app", "db")):
        ec2.authorize_security_group_ingress(GroupId=groups[tier], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 1024, "ToPort": 65535, "UserIdGroupPairs": [{"GroupId": groups[caller]}]}])
    return groups
