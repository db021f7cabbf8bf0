# SSH to web from anywhere, "just for debugging".
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    ec2.authorize_security_group_ingress(GroupId=groups["web"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return groups
