"""The lab vpc_nacl grades can_reach against awslab.models.vpc: its reference solution, written apart as a
learner would (no awslab import), must agree with the model on any VPC, not only the lab's hidden
ones. Two independent readings of the same AWS pages, compared on generated VPCs (hypothesis)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from awslab.models.vpc import decide

from .conftest import Vpc, entry, out, permission

SOLUTION = Path(__file__).resolve().parents[2] / "solutions" / "vpc_nacl.py"
HOSTS = [("10.0.1.10", "a", "198.18.0.10"), ("10.0.1.11", "a", None), ("10.0.2.10", "b", None), ("10.0.3.10", "c", None)]
CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.1.10/32", "203.0.113.0/24",
         "198.51.100.0/24"]
PORTS = [22, 53, 443, 1023, 1024, 5432, 8080, 32768, 49152, 61000, 61001, 65535]
GROUPS = ["sg-1", "sg-2", "sg-3"]


def _reference():
    spec = importlib.util.spec_from_file_location("vpc_nacl_reference", SOLUTION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.can_reach


can_reach = _reference()
ports = st.one_of(st.none(), st.tuples(st.sampled_from(PORTS), st.sampled_from(PORTS)).map(lambda p: tuple(sorted(p))))
acl_entries = st.lists(st.builds(
    lambda number, action, cidr, span, protocol, egress: (out if egress else entry)(
        number, action, cidr, None if protocol == "-1" else (span or (0, 65535)), protocol),
    st.integers(1, 32766), st.sampled_from(["allow", "deny"]), st.sampled_from(CIDRS), ports,
    st.sampled_from(["6", "17", "-1"]), st.booleans()), max_size=6,
    unique_by=lambda e: (e["RuleNumber"], e["Egress"]))
group_rules = st.lists(st.builds(
    lambda span, protocol, cidr, group: permission(None if protocol == "-1" else (span or (0, 65535)),
                                                   cidr=None if group else cidr, group=group, protocol=protocol),
    ports, st.sampled_from(["tcp", "udp", "-1"]), st.sampled_from(CIDRS), st.one_of(st.none(), st.sampled_from(GROUPS))),
    max_size=3)


@st.composite
def vpcs(draw) -> Vpc:
    v = Vpc()
    for group in GROUPS:
        v.group(group, draw(group_rules), outbound=draw(group_rules) if draw(st.booleans()) else
                [permission(cidr="0.0.0.0/0", protocol="-1")])
    for subnet in "abc":
        if draw(st.booleans()):
            v.acl(subnet, *draw(acl_entries))
    for address, subnet, public in HOSTS:
        v.host(address, subnet, *draw(st.lists(st.sampled_from(GROUPS), min_size=1, max_size=2, unique=True)),
               public=public)
    return v


@st.composite
def flows(draw) -> dict:
    """Routable flows only, as the lab promises can_reach: the internet calls the public address."""
    if draw(st.booleans()):
        source, destination = "203.0.113.9" if draw(st.booleans()) else "198.51.100.7", "198.18.0.10"
    else:
        source, destination = (h[0] for h in draw(st.permutations(HOSTS))[:2])
    return {"source": source, "destination": destination, "protocol": draw(st.sampled_from(["tcp", "udp"])),
            "port": draw(st.sampled_from(PORTS)), "source_port": draw(st.sampled_from(PORTS[4:]))}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(vpcs(), flows())
def test_the_reference_can_reach_agrees_with_the_model(v, flow):
    decision = decide(v.d, flow)
    assert can_reach(dict(flow), v.d) is decision.allowed, decision.explain()
