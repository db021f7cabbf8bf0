# web's group also opens all udp to the world ("for QUIC and DNS")
def create_security_groups(ec2, vpc_id):
    ids = _reference_groups(ec2, vpc_id)
    ec2.authorize_security_group_ingress(GroupId=ids["web"], IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 0, "ToPort": 65535, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return ids
