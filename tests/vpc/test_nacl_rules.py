"""One row per rule of network ACL evaluation: (rule, AWS page, entries, packet, deciding rule, verdict)."""

from __future__ import annotations

import ipaddress

import pytest

from awslab.models.vpc import STAR, decide_range, rules_of
from awslab.models.vpc.nacl import decide

from .conftest import ALLOW_ALL, PAGES, entry, out

ADDRESS = ipaddress.ip_address("203.0.113.9")
ABUSER = ipaddress.ip_address("198.51.100.7")

RULES = [
    # (rule, page, entries, egress, protocol, address, port, deciding rule, allowed)
    ("the lowest-numbered matching rule decides: deny 90 before allow 100", "nacl-rules.html",
     [entry(100, "allow", ports=443), entry(90, "deny", "198.51.100.0/24", protocol="-1")],
     False, 6, ABUSER, 443, "90", False),
    ("allow 100 before deny 200 for the same CIDR: the allow wins (the deny is never reached)", "nacl-rules.html",
     [entry(100, "allow", ports=443), entry(200, "deny", "198.51.100.0/24", protocol="-1")],
     False, 6, ABUSER, 443, "100", True),
    ("order is by number, not by the order rules were added", "nacl-rules.html",
     [entry(300, "allow", ports=443), entry(110, "deny", ports=443), entry(200, "allow", ports=443)],
     False, 6, ADDRESS, 443, "110", False),
    ("a rule for other addresses does not match", "nacl-rules.html",
     [entry(90, "deny", "198.51.100.0/24", protocol="-1"), entry(100, "allow", ports=443)],
     False, 6, ADDRESS, 443, "100", True),
    ("a rule for another port does not match; nothing else does: rule * denies", "nacl-rules.html",
     [entry(100, "allow", ports=443)], False, 6, ADDRESS, 22, "*", False),
    ("a custom ACL denies everything until rules are added (only rule *)", "custom-network-acl.html",
     [], False, 6, ADDRESS, 443, "*", False),
    ("the default ACL allows all: rule 100", "default-network-acl.html",
     ALLOW_ALL, False, 17, ADDRESS, 53, "100", True),
    ("the default ACL allows all outbound too", "default-network-acl.html",
     ALLOW_ALL, True, 6, ADDRESS, 50000, "100", True),
    ("rule * is last whatever is listed after it", "nacl-rules.html",
     [entry(STAR, "deny", protocol="-1"), entry(100, "allow", ports=443)], False, 6, ADDRESS, 443, "100", True),
    ("protocol -1 matches every protocol and port", "nacl-rules.html",
     [entry(100, "allow", protocol="-1")], False, 17, ADDRESS, 65535, "100", True),
    ("a tcp rule does not match udp", "nacl-rules.html",
     [entry(100, "allow", ports=(0, 65535))], False, 17, ADDRESS, 53, "*", False),
    ("inbound rules do not decide outbound traffic", "nacl-rules.html",
     [entry(100, "allow", ports=(1024, 65535))], True, 6, ADDRESS, 50000, "*", False),
    ("an outbound rule matches the destination address", "nacl-rules.html",
     [out(100, "allow", "203.0.113.0/24", ports=(1024, 65535))], True, 6, ADDRESS, 50000, "100", True),
    ("port ranges include both ends", "nacl-rules.html",
     [entry(100, "allow", ports=(1024, 65535))], False, 6, ADDRESS, 1024, "100", True),
    ("protocol by name is the same rule as by number", "nacl-rules.html",
     [entry(100, "allow", ports=443, protocol="tcp")], False, 6, ADDRESS, 443, "100", True),
    ("an IPv6 rule never matches an IPv4 packet", "nacl-rules.html",
     [{"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "Ipv6CidrBlock": "::/0"}],
     False, 6, ADDRESS, 443, "*", False),
]


@pytest.mark.parametrize("rule, page, entries, egress, protocol, address, port, deciding, allowed", RULES,
                         ids=[r[0] for r in RULES])
def test_network_acl_rule(rule, page, entries, egress, protocol, address, port, deciding, allowed):
    assert (PAGES + page).startswith("https://docs.aws.amazon.com/")
    decided = decide(rules_of(entries, egress), protocol, address, port)
    assert (decided.name, decided.allow) == (deciding, allowed)


RANGES = [
    # (rule, page, entries, ports, [(ports, deciding rule)])
    ("no ephemeral rule: the whole Windows range is denied by rule *", "nacl-ephemeral-ports.html",
     [out(100, "allow", ports=443)], (49152, 65535), [("49152-65535", "*")]),
    ("a Linux-only range (32768-61000) leaves Windows' 61001-65535 to rule *", "nacl-ephemeral-ports.html",
     [out(100, "allow", ports=(32768, 61000))], (49152, 65535), [("49152-61000", "100"), ("61001-65535", "*")]),
    ("a Windows-only range (49152-65535) leaves Linux' 32768-49151 to rule *", "nacl-ephemeral-ports.html",
     [out(100, "allow", ports=(49152, 65535))], (32768, 61000), [("32768-49151", "*"), ("49152-61000", "100")]),
    ("1024-65535 covers every client AWS lists", "nacl-ephemeral-ports.html",
     [out(100, "allow", ports=(1024, 65535))], (1024, 65535), [("1024-65535", "100")]),
    ("a deny of one port inside the open range, placed before it", "nacl-ephemeral-ports.html",
     [out(90, "deny", ports=3306), out(100, "allow", ports=(1024, 65535))], (1024, 65535),
     [("1024-3305", "100"), ("3306", "90"), ("3307-65535", "100")]),
]


@pytest.mark.parametrize("rule, page, entries, ports, expected", RANGES, ids=[r[0] for r in RANGES])
def test_network_acl_over_a_port_range(rule, page, entries, ports, expected):
    segments = decide_range(rules_of(entries, egress=True), 6, ADDRESS, *ports)
    assert [(s.ports, s.rule.name) for s in segments] == expected
