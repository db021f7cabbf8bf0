# can_reach: a subnet without an association of its own has "no ACL": everything passes
def _acl_of(description, subnet_id):
    for acl in description["NetworkAcls"]:
        if any(a.get("SubnetId") == subnet_id for a in acl.get("Associations", [])) and not acl.get("IsDefault"):
            return acl
    return {"Entries": [{"RuleNumber": 1, "Protocol": "-1", "RuleAction": "allow", "Egress": e, "CidrBlock": "0.0.0.0/0"} for e in (True, False)]}
