# web's ACL on app's subnet and app's on web's.
def associate_network_acls(ec2, acls, tiers):
    swapped = {"web": acls["app"], "app": acls["web"], "db": acls["db"]}
    for tier, acl in swapped.items():
        subnet = tiers[tier]["subnet_id"]
        current = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        for association in current["NetworkAcls"][0]["Associations"]:
            if association["SubnetId"] == subnet:
                ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"],
                                                    NetworkAclId=acl)
