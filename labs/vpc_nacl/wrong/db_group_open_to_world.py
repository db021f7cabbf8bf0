# db's group admits 5432 from 0.0.0.0/0 "because the ACL protects it anyway".
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    ec2.authorize_security_group_ingress(GroupId=groups["db"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    return groups
