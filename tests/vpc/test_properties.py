"""Network ACL evaluation equals a brute-force reading of the rules (hypothesis).

The brute force reads the raw describe_network_acls entries as AWS words them (nacl-rules.html):
of all the rules that match the packet, the one with the lowest number applies; if none matches,
rule * denies. It shares no code with awslab.models.vpc.nacl (addresses are compared as integers)."""

from __future__ import annotations

import ipaddress

from hypothesis import given, settings, strategies as st

from awslab.models.vpc import decide_range, rules_of
from awslab.models.vpc.nacl import decide

CIDRS = ["0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.1.128/25", "198.51.100.0/24", "198.51.100.7/32",
         "203.0.113.0/24"]
ADDRESSES = ["10.0.1.5", "10.0.1.200", "10.0.2.9", "198.51.100.7", "198.51.100.8", "203.0.113.9", "8.8.8.8"]
PORTS = [0, 22, 443, 1023, 1024, 1025, 5000, 8080, 32767, 32768, 49151, 49152, 61000, 61001, 65535]


def _raw_entry(number: int, action: str, protocol: str, cidr: str, low: int, high: int, egress: bool) -> dict:
    entry = {"RuleNumber": number, "RuleAction": action, "Protocol": protocol, "CidrBlock": cidr, "Egress": egress}
    if protocol in ("6", "17"):
        entry["PortRange"] = {"From": min(low, high), "To": max(low, high)}
    return entry


entries = st.lists(
    st.builds(_raw_entry, st.integers(1, 32766), st.sampled_from(["allow", "deny"]),
              st.sampled_from(["6", "17", "-1"]), st.sampled_from(CIDRS), st.sampled_from(PORTS),
              st.sampled_from(PORTS), st.booleans()),
    max_size=8, unique_by=lambda e: (e["RuleNumber"], e["Egress"]))


def _as_int(address: str) -> int:
    a, b, c, d = (int(x) for x in address.split("."))
    return (a << 24) | (b << 16) | (c << 8) | d


def _in(address: str, cidr: str) -> bool:
    base, bits = cidr.split("/")
    mask = ((1 << 32) - 1) ^ ((1 << (32 - int(bits))) - 1)
    return _as_int(address) & mask == _as_int(base) & mask


def brute_force(raw: list[dict], egress: bool, protocol: int, address: str, port: int) -> tuple[str, bool]:
    matching = []
    for e in raw:
        if e["Egress"] != egress or not _in(address, e["CidrBlock"]):
            continue
        if e["Protocol"] == "-1":
            matching.append(e)
        elif int(e["Protocol"]) == protocol and e["PortRange"]["From"] <= port <= e["PortRange"]["To"]:
            matching.append(e)
    if not matching:
        return "*", False
    lowest = min(matching, key=lambda e: e["RuleNumber"])
    return str(lowest["RuleNumber"]), lowest["RuleAction"] == "allow"


@settings(max_examples=400, deadline=None)
@given(entries, st.booleans(), st.sampled_from([6, 17]), st.sampled_from(ADDRESSES), st.integers(0, 65535))
def test_nacl_evaluation_equals_brute_force(raw, egress, protocol, address, port):
    decided = decide(rules_of(raw, egress), protocol, ipaddress.ip_address(address), port)
    assert (decided.name, decided.allow) == brute_force(raw, egress, protocol, address, port)


@settings(max_examples=150, deadline=None)
@given(entries, st.booleans(), st.sampled_from(ADDRESSES), st.sampled_from(PORTS), st.integers(0, 300))
def test_a_port_range_is_decided_as_each_of_its_ports(raw, egress, address, low, width):
    high = min(65535, low + width)
    segments = decide_range(rules_of(raw, egress), 6, ipaddress.ip_address(address), low, high)
    assert segments[0].low == low and segments[-1].high == high
    assert all(a.high + 1 == b.low and a.rule != b.rule for a, b in zip(segments, segments[1:]))
    for segment in segments:
        for port in range(segment.low, segment.high + 1):
            assert (segment.rule.name, segment.rule.allow) == brute_force(raw, egress, 6, address, port)


@settings(max_examples=150, deadline=None)
@given(entries, st.sampled_from(ADDRESSES), st.integers(0, 65535))
def test_listing_order_never_matters(raw, address, port):
    ip = ipaddress.ip_address(address)
    assert decide(rules_of(raw, False), 6, ip, port) == decide(rules_of(list(reversed(raw)), False), 6, ip, port)
