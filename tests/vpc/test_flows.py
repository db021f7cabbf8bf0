"""One row per rule of reachability in a VPC: (rule, AWS page, the VPC, the flow, verdict, where it is
refused, words of the explanation). The VPC is written as describe_* answers (tests/vpc/conftest.py)."""

from __future__ import annotations

import pytest

from awslab.models.vpc import FlowError, Network, decide

from .conftest import INTERNET, PAGES, Vpc, entry, out, permission, three_hosts

WEB, APP, DB, WEB_PUBLIC = "10.0.1.10", "10.0.2.10", "10.0.3.10", "198.18.0.10"


def web_only_443() -> Vpc:
    v = Vpc().group("sg-web", [permission(443, cidr="0.0.0.0/0")]).host(WEB, "a", "sg-web", public=WEB_PUBLIC)
    return v.group("sg-app", [permission(8080, group="sg-web")]).host(APP, "b", "sg-app")


def flow(source, destination, port, client="linux", protocol="tcp"):
    return {"source": source, "destination": destination, "protocol": protocol, "port": port, "client": client}


def app_acl(*entries) -> Vpc:
    return web_only_443().acl("b", *entries)


ROWS = [
    # (rule, page, vpc, flow, allowed, refused at, words)
    ("the internet reaches a public interface through the internet gateway", "VPC_Internet_Gateway.html",
     web_only_443(), flow(INTERNET, WEB_PUBLIC, 443), True, None, "allowed"),
    ("the internet reaches an interface only at its public address", "VPC_Internet_Gateway.html",
     web_only_443(), flow(INTERNET, WEB, 443), False, "route", "only at its public address"),
    ("an interface without a public address is not reachable from the internet", "VPC_Internet_Gateway.html",
     web_only_443(), flow(INTERNET, APP, 8080), False, "route", "no public IPv4 address"),
    ("a subnet whose route table has no route to an internet gateway is private", "VPC_Route_Tables.html",
     Vpc().group("sg-x", [permission(443, cidr="0.0.0.0/0")]).host(DB, "c", "sg-x", public="198.18.0.30"),
     flow(INTERNET, "198.18.0.30", 443), False, "route", "not to an internet gateway"),
    ("a security group allows what one of its rules allows", "security-group-rules.html",
     web_only_443(), flow(INTERNET, WEB_PUBLIC, 443, "windows"), True, None, "allowed"),
    ("security groups only allow: what no rule allows is dropped", "vpc-security-groups.html",
     web_only_443(), flow(INTERNET, WEB_PUBLIC, 22), False, "sg-in", "no rule allows tcp 22"),
    ("a rule naming a group admits interfaces that have that group", "security-group-rules.html",
     web_only_443(), flow(WEB, APP, 8080), True, None, "allowed"),
    ("a rule naming a group does not admit the group's subnet: another host there is refused",
     "security-group-rules.html",
     web_only_443().group("sg-other").host("10.0.1.20", "a", "sg-other"), flow("10.0.1.20", APP, 8080), False, "sg-in",
     "no rule allows tcp 8080 from 10.0.1.20"),
    ("a group's rule for one port admits no other", "security-group-rules.html",
     web_only_443(), flow(WEB, APP, 22), False, "sg-in", "no rule allows tcp 22"),
    ("any group on the interface may allow", "vpc-security-groups.html",
     web_only_443().group("sg-ssh", [permission(22, cidr="10.0.0.0/16")]).host("10.0.2.11", "b", "sg-app", "sg-ssh"),
     flow(WEB, "10.0.2.11", 22), True, None, "allowed"),
    ("security groups are stateful: a group with no outbound rule still answers", "vpc-security-groups.html",
     Vpc().group("sg-web", [permission(443, cidr="0.0.0.0/0")], outbound=[]).host(WEB, "a", "sg-web", public=WEB_PUBLIC),
     flow(INTERNET, WEB_PUBLIC, 443), True, None, "allowed"),
    ("the client's group must allow the request out", "security-group-rules.html",
     Vpc().group("sg-web", outbound=[]).host(WEB, "a", "sg-web").group("sg-app", [permission(8080, group="sg-web")])
     .host(APP, "b", "sg-app"), flow(WEB, APP, 8080), False, "sg-out", "no rule allows tcp 8080 to 10.0.2.10"),
    ("a network ACL deny blocks what a security group allows", "infrastructure-security.html",
     app_acl(entry(90, "deny", "10.0.1.0/24", protocol="-1"), entry(100, "allow", ports=8080),
             out(100, "allow", ports=(1024, 65535))),
     flow(WEB, APP, 8080), False, "nacl-in", "denied by rule 90"),
    ("network ACLs are stateless: the reply needs an outbound rule", "nacl-ephemeral-ports.html",
     app_acl(entry(100, "allow", "10.0.1.0/24", ports=8080)),
     flow(WEB, APP, 8080), False, "reply-nacl-out", "the reply on port 32768-61000 is denied by rule *"),
    ("the client's subnet must let the reply in on its ephemeral ports", "nacl-ephemeral-ports.html",
     web_only_443().acl("a", out(100, "allow", "10.0.2.0/24", ports=8080)),
     flow(WEB, APP, 8080), False, "reply-nacl-in", "the reply on port 32768-61000 is denied by rule *"),
    ("a Windows client answers on 49152-65535: a Linux-only reply rule is not enough", "nacl-ephemeral-ports.html",
     web_only_443().acl("a", entry(100, "allow", ports=443), out(100, "allow", ports=(32768, 61000))),
     flow(INTERNET, WEB_PUBLIC, 443, "windows"), False, "reply-nacl-out",
     "the reply on port 61001-65535 is denied by rule *"),
    ("the same rules serve a Linux client", "nacl-ephemeral-ports.html",
     web_only_443().acl("a", entry(100, "allow", ports=443), out(100, "allow", ports=(32768, 61000))),
     flow(INTERNET, WEB_PUBLIC, 443, "linux"), True, None, "allowed"),
    ("no ephemeral rule at all: a Windows client's reply is denied by rule *", "nacl-ephemeral-ports.html",
     web_only_443().acl("a", entry(100, "allow", ports=443)), flow(INTERNET, WEB_PUBLIC, 443, "windows"), False,
     "reply-nacl-out", "the reply on port 49152-65535 is denied by rule *"),
    ("a NAT gateway answers on 1024-65535", "nacl-ephemeral-ports.html",
     web_only_443().acl("a", entry(100, "allow", ports=443), out(100, "allow", ports=(32768, 65535))),
     flow(INTERNET, WEB_PUBLIC, 443, "nat-gateway"), False, "reply-nacl-out", "the reply on port 1024-32767"),
    ("deny before allow: the abusive range is refused", "nacl-rules.html",
     web_only_443().acl("a", entry(90, "deny", "198.51.100.0/24", protocol="-1"), entry(100, "allow", ports=443),
                        out(100, "allow", ports=(1024, 65535))),
     flow("198.51.100.7", WEB_PUBLIC, 443), False, "nacl-in", "denied by rule 90"),
    ("deny after allow: the allow is reached first", "nacl-rules.html",
     web_only_443().acl("a", entry(100, "allow", ports=443), entry(200, "deny", "198.51.100.0/24", protocol="-1"),
                        out(100, "allow", ports=(1024, 65535))),
     flow("198.51.100.7", WEB_PUBLIC, 443), True, None, "allowed"),
    ("traffic within a subnet crosses no network ACL", "vpc-network-acls.html",
     web_only_443().host("10.0.2.20", "b", "sg-web").acl("b"), flow("10.0.2.20", APP, 8080), True, None, "allowed"),
    ("a custom ACL with no rules denies what crosses it", "custom-network-acl.html",
     web_only_443().acl("b"), flow(WEB, APP, 8080), False, "nacl-in", "denied by rule * (deny all)"),
    ("a subnet with no association uses the default ACL", "vpc-network-acls.html",
     web_only_443(), flow(WEB, APP, 8080), True, None, "allowed"),
    ("the default ACL allows all, both ways", "default-network-acl.html",
     three_hosts(), flow(APP, DB, 5432, "windows"), True, None, "allowed"),
]


def _unassociated(v: Vpc) -> Vpc:
    for acl in v.d["NetworkAcls"]:
        acl["Associations"] = []
    return v


ROWS[-2] = ROWS[-2][:2] + (_unassociated(ROWS[-2][2]),) + ROWS[-2][3:]


@pytest.mark.parametrize("rule, page, vpc, flow, allowed, refused_at, words", ROWS, ids=[r[0] for r in ROWS])
def test_flow(rule, page, vpc, flow, allowed, refused_at, words):
    assert (PAGES + page).startswith("https://docs.aws.amazon.com/vpc/")
    decision = decide(vpc.d, flow)
    assert decision.allowed is allowed, decision.explain()
    assert (decision.refusal.key if decision.refusal else None) == refused_at, decision.explain()
    assert words in decision.reason, decision.explain()


def test_explanation_names_the_deciding_rule_out_in_and_back():
    v = web_only_443().acl("a", entry(100, "allow", ports=443), out(110, "allow", ports=(1024, 65535)))
    text = decide(v.d, flow(INTERNET, WEB_PUBLIC, 443, "windows")).explain()
    assert "inbound: tcp 443 from 203.0.113.9 is allowed by rule 100 (allow tcp 443 from 0.0.0.0/0)" in text
    assert "sg-web inbound: tcp 443 from 0.0.0.0/0" in text
    assert "the reply on port 49152-65535 is allowed by rule 110" in text
    assert "security groups are stateful" in text


def test_a_refused_request_still_shows_the_hops_after_it():
    decision = decide(web_only_443().acl("b").d, flow(WEB, APP, 8080))
    assert [h.key for h in decision.hops] == ["sg-out", "nacl-out", "nacl-in", "sg-in", "reply-sg-out",
                                               "reply-nacl-out", "reply-nacl-in", "reply-sg-in"]
    assert decision.hop("sg-in").allowed and not decision.hop("nacl-in").allowed


def test_a_network_is_read_once_for_many_flows():
    network = Network(web_only_443().d)
    assert [decide(network, flow(INTERNET, WEB_PUBLIC, p)).allowed for p in (443, 80)] == [True, False]


BAD = [
    ({"source": "not-an-address", "destination": WEB, "port": 443}, "is not an IPv4 address"),
    ({"source": "10.0.9.9", "destination": WEB, "port": 443}, "no network interface"),
    ({"destination": WEB, "port": 443}, "has no 'source'"),
    ({"source": WEB, "destination": APP, "port": 8080, "protocol": "icmp"}, "decides tcp and udp"),
    ({"source": WEB, "destination": APP, "port": 70000}, "ports are 0-65535"),
    ({"source": WEB, "destination": APP, "port": 8080, "client": "plan9"}, "unknown client"),
    ({"source": WEB, "destination": APP, "port": 8080, "protocol": "carrier-pigeon"}, "unknown protocol"),
    ("10.0.1.10 -> 10.0.2.10", "a flow is a dict"),
]


@pytest.mark.parametrize("bad, words", BAD, ids=[w for _, w in BAD])
def test_bad_flows_are_one_line_errors(bad, words):
    with pytest.raises(FlowError) as raised:
        decide(web_only_443().d, bad)
    assert words in str(raised.value) and "\n" not in str(raised.value)


def test_an_unreadable_description_is_a_flow_error():
    with pytest.raises(FlowError, match="cannot be read"):
        Network({"Subnets": [{"SubnetId": "subnet-a"}]})
    with pytest.raises(FlowError, match="not a dict"):
        Network([])
