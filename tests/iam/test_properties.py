"""Properties over thousands of generated policies (hypothesis).

- Whatever the input, only PolicyError escapes (never a Python traceback), and explain() works.
- Adding an explicit Deny statement to a policy never lets more requests through.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from awslab.models.iam import PolicyError, Request, evaluate, parse_policy, validate

ACCOUNTS = ["111122223333", "444455556666"]
ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "sqs:SendMessage", "sns:Publish"]
RESOURCES = ["arn:aws:s3:::bucket/key", "arn:aws:s3:::bucket/home/alice/x", "arn:aws:sqs:eu-west-1:111122223333:q", "*"]
PRINCIPALS = [
    "arn:aws:iam::111122223333:user/alice",
    "arn:aws:iam::444455556666:user/bob",
    "arn:aws:sts::111122223333:assumed-role/App/s1",
    "arn:aws:iam::111122223333:root",
    "sns.amazonaws.com",
    "anonymous",
    None,
]
KEYS = ["aws:username", "aws:SourceIp", "aws:SecureTransport", "aws:TagKeys", "s3:prefix", "aws:CurrentTime", "s3:max-keys"]

action_patterns = st.sampled_from(["*", "s3:*", "s3:Get*", "s3:?utObject", "sqs:*", "S3:GETOBJECT", "sns:Publish"])
resource_patterns = st.sampled_from(
    ["*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/home/${aws:username}/*", "arn:aws:sqs:*:111122223333:*",
     "arn:aws:s3:::${aws:PrincipalTag/x, 'bucket'}/*", "arn:aws:s3:::other"]
)
operators = st.sampled_from(
    ["StringEquals", "StringNotEquals", "StringLike", "ForAnyValue:StringEquals", "ForAllValues:StringLike",
     "IpAddress", "NotIpAddress", "Bool", "BoolIfExists", "NumericLessThan", "DateGreaterThan", "Null",
     "StringEqualsIfExists", "ArnLike", "StringNotEqualsIgnoreCase"]
)
VALUES_FOR = {
    "IpAddress": ["10.0.0.0/8", "203.0.113.7"], "NotIpAddress": ["10.0.0.0/8"], "Bool": ["true", "false"],
    "BoolIfExists": ["true", "false"], "NumericLessThan": ["10", "1.5"], "DateGreaterThan": ["2020-01-01T00:00:00Z"],
    "Null": ["true", "false"], "ArnLike": ["arn:aws:sns:*:*:*"],
}


@st.composite
def conditions(draw):
    block = {}
    for _ in range(draw(st.integers(0, 2))):
        operator = draw(operators)
        choices = VALUES_FOR.get(operator, ["alice", "a*", "${aws:username}", "10.0.0.1", "true"])
        block.setdefault(operator, {})[draw(st.sampled_from(KEYS))] = draw(
            st.lists(st.sampled_from(choices), min_size=1, max_size=3)
        )
    return block


@st.composite
def statements(draw, effect=None, with_principal=False):
    out = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    out["NotAction" if draw(st.booleans()) and draw(st.booleans()) else "Action"] = draw(
        st.lists(action_patterns, min_size=1, max_size=3)
    )
    out["NotResource" if draw(st.integers(0, 4)) == 0 else "Resource"] = draw(
        st.lists(resource_patterns, min_size=1, max_size=2)
    )
    if with_principal:
        out["Principal"] = draw(st.sampled_from(
            ["*", {"AWS": "111122223333"}, {"AWS": "arn:aws:iam::111122223333:user/alice"},
             {"AWS": "arn:aws:iam::111122223333:role/App"}, {"Service": "sns.amazonaws.com"}, {"AWS": ACCOUNTS}]
        ))
    condition = draw(conditions())
    if condition:
        out["Condition"] = condition
    return out


def documents(with_principal=False):
    return st.builds(
        lambda statements, version: {**({"Version": version} if version else {}), "Statement": statements},
        st.lists(statements(with_principal=with_principal), min_size=0, max_size=4),
        st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17", None]),
    )


context_values = st.sampled_from(["alice", "bob", "10.1.2.3", "203.0.113.7", "true", "false", "5", "abc",
                                  "2026-01-01T00:00:00Z", "arn:aws:sns:eu-west-1:111122223333:t"])
requests = st.builds(
    Request,
    action=st.sampled_from(ACTIONS),
    resource=st.sampled_from(RESOURCES),
    principal=st.sampled_from(PRINCIPALS),
    context=st.dictionaries(
        st.sampled_from(KEYS), st.one_of(context_values, st.lists(context_values, max_size=3), st.integers(-5, 50), st.booleans()),
        max_size=4,
    ),
    resource_account=st.sampled_from([None, "111122223333", "444455556666"]),
)

json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=12),
              st.sampled_from(["Allow", "Deny", "*", "s3:*", "arn:aws:s3:::b/*", "2012-10-17", "${aws:username}",
                               "${", "StringEquals", "aws:SourceIp", "10.0.0.0/8"])),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.sampled_from(["Version", "Statement", "Effect", "Action", "NotAction", "Resource", "NotResource",
                             "Principal", "NotPrincipal", "Condition", "Sid", "Id", "AWS", "Service", "StringEquals",
                             "ForAllValues:StringLike", "Null", "aws:username", "IpAddress", "x"]),
            children, max_size=5,
        ),
    ),
    max_leaves=12,
)


def mutated(document: dict, data) -> object:
    """A well-formed policy with one element replaced by junk."""
    if not document.get("Statement"):
        return document
    statement = data.draw(st.sampled_from(document["Statement"]))
    key = data.draw(st.sampled_from(sorted(statement) + ["Condition", "Principal", "Bogus"]))
    statement[key] = data.draw(json_values)
    return document


SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)


@settings(max_examples=800, **SETTINGS)
@given(junk=json_values, kind=st.sampled_from(["identity", "resource", "scp"]), as_text=st.booleans())
def test_arbitrary_json_raises_only_policy_error(junk, kind, as_text):
    document = json.dumps(junk) if as_text else junk
    assert isinstance(validate(document, kind), list)
    try:
        compiled = parse_policy(document, kind)
    except PolicyError:
        return
    assert compiled.kind == kind


@settings(max_examples=250, **SETTINGS)
@given(document=documents(), resource_document=documents(with_principal=True), request=requests, data=st.data())
def test_mutated_policies_raise_only_policy_error_and_explain(document, resource_document, request, data):
    if data.draw(st.booleans()):
        document = mutated(document, data)
    if data.draw(st.booleans()):
        resource_document = mutated(resource_document, data)
    try:
        decision = evaluate(request, identity_policies=[document], resource_policy=resource_document)
    except PolicyError as problem:
        assert str(problem)
        return
    assert decision.decision in ("Allowed", "ExplicitlyDenied", "ImplicitlyDenied")
    assert decision.explain().startswith("Decision: ")


@settings(max_examples=400, **SETTINGS)
@given(
    document=documents(),
    resource_document=st.one_of(st.none(), documents(with_principal=True)),
    boundary=st.one_of(st.none(), documents()),
    deny=statements(effect="Deny"),
    into=st.sampled_from(["identity", "boundary", "scp"]),
    request=requests,
)
def test_adding_a_deny_statement_never_allows_more(document, resource_document, boundary, deny, into, request):
    policies = {"identity_policies": [document], "resource_policy": resource_document, "permission_boundary": boundary}
    if into == "scp":
        policies["scps"] = [[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]]
    before = evaluate(request, **policies)
    target = {"identity": document, "boundary": boundary or document, "scp": None}[into]
    if into == "scp":
        scp = policies["scps"][0][0]
        policies["scps"] = [[{**scp, "Statement": scp["Statement"] + [deny]}]]
    else:
        key = "identity_policies" if target is document else "permission_boundary"
        denied = {**target, "Statement": target["Statement"] + [deny]}
        policies[key] = [denied] if key == "identity_policies" else denied
    after = evaluate(request, **policies)
    if after.allowed:
        assert before.allowed, (before.explain(), after.explain())
    if before.decision == "ExplicitlyDenied":
        assert after.decision == "ExplicitlyDenied"
