"""The description the model reads, fetched with any boto3 EC2 client (the model itself is pure:
it takes the dicts; this is the one place that asks EC2 for them)."""

from __future__ import annotations

from typing import Any

# describe_* call -> the key of its answer (also the key of the description)
CALLS = {"describe_vpcs": "Vpcs", "describe_subnets": "Subnets", "describe_route_tables": "RouteTables",
         "describe_network_acls": "NetworkAcls", "describe_security_groups": "SecurityGroups",
         "describe_network_interfaces": "NetworkInterfaces"}


def describe_vpc(ec2: Any, vpc_id: str) -> dict[str, list[dict]]:
    """{"Vpcs": [...], "Subnets": [...], ...}: every describe_* answer the model reads, for one VPC."""
    found: dict[str, list[dict]] = {}
    for call, key in CALLS.items():
        arguments: dict[str, Any] = ({"VpcIds": [vpc_id]} if call == "describe_vpcs"
                                     else {"Filters": [{"Name": "vpc-id", "Values": [vpc_id]}]})
        items: list[dict] = []
        if ec2.can_paginate(call):
            for page in ec2.get_paginator(call).paginate(**arguments):
                items.extend(page.get(key) or [])
        else:
            items.extend(getattr(ec2, call)(**arguments).get(key) or [])
        found[key] = items
    return found
