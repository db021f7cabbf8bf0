"""vpc_nacl: security groups and network ACLs for a three-tier VPC. Read `awslab show vpc_nacl` first.

The grader builds the VPC (public subnet web, private app and db); you lock it down, then reason
about traffic yourself. Grade with `awslab check vpc_nacl` from your workspace.
"""


def create_security_groups(ec2, vpc_id):
    """Create the groups web (tcp 443 from anywhere), app (tcp 8080 only from web's group) and db
    (tcp 5432 only from app's group) in vpc_id. Return {"web": group_id, "app": ..., "db": ...}."""
    return None  # TODO


def create_network_acls(ec2, vpc_id, tiers, abusive_cidr):
    """A custom network ACL per tier with numbered rules, both directions, replies included; web's
    denies abusive_cidr before its broad allow. tiers = {"web": {"subnet_id": ..., "cidr": ...},
    "app": {...}, "db": {...}}. Return {"web": acl_id, "app": ..., "db": ...}."""
    return None  # TODO


def associate_network_acls(ec2, acls, tiers):
    """Make each tier's subnet use its ACL (acls as create_network_acls returned them)."""
    return None  # TODO


def can_reach(flow, description):
    """True if `flow` connects (request in, reply back), False if not, from `description` alone:
    {"Vpcs": [...], "Subnets": [...], "RouteTables": [...], "NetworkAcls": [...],
    "SecurityGroups": [...], "NetworkInterfaces": [...]}, each as the describe_* call answers.
    flow = {"source": ip, "destination": ip, "protocol": "tcp" or "udp", "port": n, "source_port": n}."""
    return None  # TODO
