# Least privilege overdone: the default outbound rule is revoked from every group and nothing is
# added back. Replies still pass (stateful), but web's and app's own requests never leave.
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    for group in groups.values():
        ec2.revoke_security_group_egress(GroupId=group, IpPermissions=[
            {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return groups
