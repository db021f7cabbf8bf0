# Security-group thinking in the network ACLs: only the requests are allowed, as if replies came back
# by themselves. ACLs are stateless: every reply is judged again, and rule * denies it.
def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    web, app, db = tiers["web"]["cidr"], tiers["app"]["cidr"], tiers["db"]["cidr"]
    return {
        "web": _acl(ec2, vpc_id, "web", inbound=[(90, "deny", "-1", abusive_cidr, None),
                                                 (100, "allow", "6", "0.0.0.0/0", (443, 443))],
                    outbound=[(110, "allow", "6", app, (8080, 8080))]),
        "app": _acl(ec2, vpc_id, "app", inbound=[(100, "allow", "6", web, (8080, 8080))],
                    outbound=[(110, "allow", "6", db, (5432, 5432))]),
        "db": _acl(ec2, vpc_id, "db", inbound=[(100, "allow", "6", app, (5432, 5432))], outbound=[]),
    }
