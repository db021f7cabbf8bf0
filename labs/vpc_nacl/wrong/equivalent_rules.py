# Other numbers, other shapes, same traffic: rules numbered 10, 20, ...; the deny of the abusive range
# per protocol (tcp and udp) rather than for all; web's reply range as two rules; replies between
# tiers on Amazon Linux's range only (32768-61000); association found by listing every ACL of the VPC.
# Graded on effect, so it loses nothing.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    web, app, db = tiers["web"]["cidr"], tiers["app"]["cidr"], tiers["db"]["cidr"]
    linux = (32768, 61000)
    return {
        "web": _acl(ec2, vpc_id, "web", inbound=[
            (10, "deny", "6", abusive_cidr, (0, 65535)), (11, "deny", "17", abusive_cidr, (0, 65535)),
            (20, "allow", "6", "0.0.0.0/0", (443, 443)), (30, "allow", "6", app, linux),
        ], outbound=[
            (10, "allow", "6", "0.0.0.0/0", (1024, 32767)), (20, "allow", "6", "0.0.0.0/0", (32768, 65535)),
        ]),
        "app": _acl(ec2, vpc_id, "app", inbound=[(10, "allow", "6", web, (8080, 8080)), (20, "allow", "6", db, linux)],
                    outbound=[(10, "allow", "6", web, linux), (20, "allow", "6", db, (5432, 5432))]),
        "db": _acl(ec2, vpc_id, "db", inbound=[(10, "allow", "6", app, (5432, 5432))],
                   outbound=[(10, "allow", "6", app, linux)]),
    }


def associate_network_acls(ec2, acls, tiers):
    everything = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [
        ec2.describe_subnets(SubnetIds=[tiers["web"]["subnet_id"]])["Subnets"][0]["VpcId"]]}])["NetworkAcls"]
    for tier, acl in acls.items():
        for current in everything:
            for association in current["Associations"]:
                if association["SubnetId"] == tiers[tier]["subnet_id"]:
                    ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                                        NetworkAclId=acl)
