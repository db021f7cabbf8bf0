# app admits 8080 from web's subnet CIDR instead of web's group: every host in that subnet gets in.
def create_security_groups(ec2, vpc_id):
    groups = _reference_groups(ec2, vpc_id)
    ec2.revoke_security_group_ingress(GroupId=groups["app"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": groups["web"]}]}])
    ec2.authorize_security_group_ingress(GroupId=groups["app"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "IpRanges": [{"CidrIp": "10.0.1.0/24"}]}])
    return groups
