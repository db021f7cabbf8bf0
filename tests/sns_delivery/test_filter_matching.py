"""Filter-policy matching, table-driven from shared/aws-rules/sns_filter_and_delivery.md.

Each row's id starts with the rule it checks. Points the rules document marks as open or conflicting
(anything-but on a String.Array, the exact numeric precision digit) have no rows here.
"""

import json

import pytest

from awslab.models.sns_delivery import FilterPolicyError, explain_match, matches


def attrs(**values):
    """Message attributes in Publish's shape: str -> String, int/float -> Number,
    list -> String.Array, bytes -> Binary. A (type, text) pair gives both explicitly."""
    shaped = {}
    for name, value in values.items():
        if isinstance(value, tuple):
            data_type, text = value
            shaped[name] = {"DataType": data_type, "StringValue": text}
        elif isinstance(value, bytes):
            shaped[name] = {"DataType": "Binary", "BinaryValue": value}
        elif isinstance(value, list):
            shaped[name] = {"DataType": "String.Array", "StringValue": json.dumps(value)}
        elif isinstance(value, (int, float)):
            shaped[name] = {"DataType": "Number", "StringValue": str(value)}
        else:
            shaped[name] = {"DataType": "String", "StringValue": value}
    return shaped


OR_POLICY = {
    "source": ["aws.cloudwatch"],
    "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}],
}

ATTRIBUTE_CASES = [
    # (id, policy, message attributes, expected)
    ("R1.1-empty-string-policy-delivers-all", "", attrs(), True),
    ("R1.1-no-policy-delivers-all", None, attrs(store="x"), True),
    ("R1.2-all-keys-match", {"store": ["a"], "event": ["b"]}, attrs(store="a", event="b"), True),
    ("R1.2-one-key-fails", {"store": ["a"], "event": ["b"]}, attrs(store="a", event="c"), False),
    ("R1.2-key-missing", {"store": ["a"], "event": ["b"]}, attrs(store="a"), False),
    ("R1.2-extra-attributes-ignored", {"store": ["a"]}, attrs(store="a", other="z"), True),
    ("R1.3-values-ored", {"store": ["a", "b"]}, attrs(store="b"), True),
    ("R1.3-no-value-matches", {"store": ["a", "b"]}, attrs(store="c"), False),
    ("R1.4-or-first-branch", OR_POLICY, attrs(source="aws.cloudwatch", metricName="CPUUtilization"), True),
    ("R1.4-or-second-branch", OR_POLICY, attrs(source="aws.cloudwatch", namespace="AWS/EC2"), True),
    ("R1.4-or-no-branch", OR_POLICY, attrs(source="aws.cloudwatch", namespace="AWS/ES"), False),
    ("R1.4-or-and-outer-key", OR_POLICY, attrs(source="aws.events", metricName="CPUUtilization"), False),
    (
        "R1.4-or-with-reserved-keyword-is-attribute-name",
        {"$or": [{"prefix": "x"}, {"prefix": "y"}]},
        attrs(**{"$or": "yes"}),
        True,
    ),
    ("R2.1-exact", {"event": ["OrderPlaced"]}, attrs(event="OrderPlaced"), True),
    ("R2.1-exact-is-case-sensitive", {"event": ["OrderPlaced"]}, attrs(event="orderplaced"), False),
    ("R2.1-string-array-any-element", {"sport": ["rugby"]}, attrs(sport=["soccer", "rugby"]), True),
    ("R2.8-string-array-json-scalar-is-one-value", {"price": [100, 500]}, attrs(price=("String.Array", "100")), True),
    ("R2.8-string-array-not-json-matches-nothing", {"price": [100]}, attrs(price=("String.Array", "one hundred")), False),
    ("R1.1-empty-object-policy-delivers-all", {}, attrs(store="x"), True),
    ("R2.1-string-array-no-element", {"sport": ["rugby"]}, attrs(sport=["soccer", "hockey"]), False),
    ("R2.1-string-never-equals-number", {"amount": ["1200"]}, attrs(amount=1200), False),
    ("R2.2-prefix", {"sport": [{"prefix": "bas"}]}, attrs(sport="baseball"), True),
    ("R2.2-prefix-no-match", {"sport": [{"prefix": "bas"}]}, attrs(sport="football"), False),
    ("R2.2-prefix-on-number-attribute", {"code": [{"prefix": "12"}]}, attrs(code=1200), False),
    ("R2.2-prefix-string-array-element", {"sport": [{"prefix": "bas"}]}, attrs(sport=["rugby", "basketball"]), True),
    ("R2.2-suffix", {"sport": [{"suffix": "ball"}]}, attrs(sport="baseball"), True),
    ("R2.2-suffix-no-match", {"sport": [{"suffix": "ball"}]}, attrs(sport="tennis"), False),
    # moto lower-cases only the message value, so this row fails on moto and passes on AWS.
    ("R2.2-equals-ignore-case-upper-case-policy", {"sport": [{"equals-ignore-case": "TENNIS"}]}, attrs(sport="tennis"), True),
    ("R2.2-equals-ignore-case-mixed", {"sport": [{"equals-ignore-case": "tennis"}]}, attrs(sport="TeNNiS"), True),
    ("R2.2-equals-ignore-case-other-word", {"sport": [{"equals-ignore-case": "TENNIS"}]}, attrs(sport="padel"), False),
    ("R2.3-anything-but-list-other-value", {"sport": [{"anything-but": ["rugby", "tennis"]}]}, attrs(sport="golf"), True),
    ("R2.3-anything-but-list-listed-value", {"sport": [{"anything-but": ["rugby", "tennis"]}]}, attrs(sport="tennis"), False),
    ("R2.3-anything-but-needs-key-present", {"sport": [{"anything-but": ["rugby"]}]}, attrs(), False),
    ("R2.3-anything-but-single-value", {"event": [{"anything-but": "order_cancelled"}]}, attrs(event="order_placed"), True),
    ("R2.3-anything-but-single-value-listed", {"event": [{"anything-but": "order_cancelled"}]}, attrs(event="order_cancelled"), False),
    ("R2.3-anything-but-numbers", {"price": [{"anything-but": [100, 500]}]}, attrs(price=400), True),
    ("R2.3-anything-but-numbers-listed", {"price": [{"anything-but": [100, 500]}]}, attrs(price=500), False),
    ("R2.3-anything-but-prefix", {"id": [{"anything-but": {"prefix": "order-"}}]}, attrs(id="refund-7"), True),
    ("R2.3-anything-but-prefix-listed", {"id": [{"anything-but": {"prefix": "order-"}}]}, attrs(id="order-7"), False),
    ("R2.3-anything-but-or-exists-false-absent", {"sport": [{"anything-but": ["rugby"]}, {"exists": False}]}, attrs(), True),
    ("R2.3-anything-but-or-exists-false-listed", {"sport": [{"anything-but": ["rugby"]}, {"exists": False}]}, attrs(sport="rugby"), False),
    ("R2.4-numeric-equals", {"price": [{"numeric": ["=", 301.5]}]}, attrs(price=301.5), True),
    ("R2.4-numeric-exponent-equals-decimal", {"price": [{"numeric": ["=", 3.015e2]}]}, attrs(price=("Number", "301.5")), True),
    ("R2.4-numeric-message-exponent", {"price": [{"numeric": ["=", 301.5]}]}, attrs(price=("Number", "3.015e2")), True),
    ("R2.4-numeric-below-precision", {"price": [{"numeric": ["=", 1]}]}, attrs(price=("Number", "1.0000001")), True),
    ("R2.4-numeric-range-inside", {"price": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price=150), True),
    ("R2.4-numeric-range-open-bottom", {"price": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price=0), False),
    ("R2.4-numeric-range-above-top", {"price": [{"numeric": [">", 0, "<=", 150]}]}, attrs(price=151), False),
    ("R2.4-numeric-less-than", {"price": [{"numeric": ["<", 10]}]}, attrs(price=-3.5), True),
    ("R2.4-numeric-at-least", {"amount": [{"numeric": [">=", 1000]}]}, attrs(amount=1000), True),
    ("R2.4-numeric-at-least-fails", {"amount": [{"numeric": [">=", 1000]}]}, attrs(amount=999), False),
    ("R2.4-numeric-on-string-attribute", {"amount": [{"numeric": [">=", 1000]}]}, attrs(amount="1200"), False),
    ("R2.4-numeric-literal-on-number", {"amount": [1200]}, attrs(amount=("Number", "1200.0")), True),
    ("R2.5-exists-true-present", {"store": [{"exists": True}]}, attrs(store="x"), True),
    ("R2.5-exists-true-absent", {"store": [{"exists": True}]}, attrs(other="x"), False),
    ("R2.5-exists-true-any-type", {"store": [{"exists": True}]}, attrs(store=99), True),
    ("R2.5-exists-false-absent", {"store": [{"exists": False}]}, attrs(other="x"), True),
    ("R2.5-exists-false-present", {"store": [{"exists": False}]}, attrs(store="x"), False),
    ("R2.6-cidr-ipv4-inside", {"ip": [{"cidr": "10.0.0.0/24"}]}, attrs(ip="10.0.0.255"), True),
    ("R2.6-cidr-ipv4-outside", {"ip": [{"cidr": "10.0.0.0/24"}]}, attrs(ip="10.0.1.0"), False),
    ("R2.6-cidr-invalid-ip", {"ip": [{"cidr": "10.0.0.0/24"}]}, attrs(ip="10.0.0.256"), False),
    ("R2.6-cidr-not-an-ip", {"ip": [{"cidr": "10.0.0.0/24"}]}, attrs(ip="hello"), False),
    ("R2.6-cidr-ipv6-inside", {"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}, attrs(ip="2001:db8:1234:1a00::1"), True),
    ("R2.6-cidr-ipv6-outside", {"ip": [{"cidr": "2001:db8:1234:1a00::/64"}]}, attrs(ip="2001:db8:1234:1a01::1"), False),
    ("R2.7-null-or-anything-but-no-attributes", {"attr1": [None, {"anything-but": "whatever"}]}, attrs(), False),
    ("R2.8-binary-is-ignored-exists", {"photo": [{"exists": True}]}, attrs(photo=b"\x00\x01"), False),
    ("R2.8-binary-is-ignored-exact", {"photo": ["AAE="]}, attrs(photo=b"\x00\x01"), False),
]


@pytest.mark.parametrize(
    ("policy", "attributes", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in ATTRIBUTE_CASES],
)
def test_message_attributes_scope(policy, attributes, expected):
    assert matches(policy, attributes, "any body", "MessageAttributes") is expected


def test_policy_as_json_text_matches_like_its_dict():
    policy = {"amount": [{"numeric": [">=", 1000]}]}
    assert matches(json.dumps(policy), attrs(amount=1200), "") is True
    assert matches(json.dumps(policy), attrs(amount=999), "") is False


def test_scope_defaults_to_message_attributes():
    assert matches({"store": ["a"]}, attrs(store="a"), '{"store": "b"}') is True
    assert matches({"store": ["a"]}, attrs(store="a"), '{"store": "b"}', None) is True


RECORDS = json.dumps({"Records": [{"eventName": "ObjectCreated:Put"}, {"eventName": "ObjectRemoved:Delete"}]})

BODY_CASES = [
    # (id, policy, body, expected)
    ("R1.6-body-not-json", {"a": ["x"]}, "plain text", False),
    ("R1.6-body-json-string", {"a": ["x"]}, '"str"', False),
    ("R1.6-body-json-array", {"a": ["x"]}, '[{"a": "x"}]', False),
    ("R1.6-body-not-json-even-for-exists-false", {"a": [{"exists": False}]}, "plain text", False),
    ("R1.2-body-other-keys-ignored", {"a": ["x"]}, '{"a": "x", "b": 1}', True),
    ("R1.2-body-keys-anded", {"a": ["x"], "b": [1]}, '{"a": "x", "b": 2}', False),
    ("R1.4-or-in-nested-body-policy", {"d": {"$or": [{"s": ["x"]}, {"t": ["y"]}]}}, '{"d": {"t": "y"}}', True),
    ("R1.4-or-in-nested-body-policy-no-branch", {"d": {"$or": [{"s": ["x"]}, {"t": ["y"]}]}}, '{"d": {"t": "x"}}', False),
    ("R2.1-body-array-any-element", {"tags": ["red"]}, '{"tags": ["blue", "red"]}', True),
    ("R2.1-body-exact-case-sensitive", {"a": ["x"]}, '{"a": "X"}', False),
    ("R2.2-body-prefix", {"a": [{"prefix": "ord"}]}, '{"a": "order-1"}', True),
    ("R2.2-body-equals-ignore-case", {"a": [{"equals-ignore-case": "PAID"}]}, '{"a": "paid"}', True),
    ("R2.3-body-anything-but", {"a": [{"anything-but": ["x"]}]}, '{"a": "y"}', True),
    ("R2.3-body-anything-but-absent", {"a": [{"anything-but": ["x"]}]}, '{"b": "y"}', False),
    ("R2.4-body-numeric-number", {"amount": [{"numeric": [">=", 1000]}]}, '{"amount": 1200}', True),
    ("R2.4-body-numeric-float", {"amount": [{"numeric": [">", 0, "<", 1]}]}, '{"amount": 0.25}', True),
    ("R2.4-body-numeric-on-string", {"amount": [{"numeric": [">=", 1000]}]}, '{"amount": "1200"}', False),
    ("R2.5-body-exists-false", {"a": [{"exists": False}]}, '{"b": 1}', True),
    ("R2.5-body-nested-exists", {"a": {"b": [{"exists": True}]}}, '{"a": {"b": 0}}', True),
    ("R2.7-body-boolean-literal", {"encrypted": [False]}, '{"encrypted": false}', True),
    ("R2.7-body-boolean-is-not-string", {"encrypted": [False]}, '{"encrypted": "false"}', False),
    ("R2.9-nested-policy", {"a": {"b": ["x"]}}, '{"a": {"b": "x"}}', True),
    ("R2.9-nested-policy-other-value", {"a": {"b": ["x"]}}, '{"a": {"b": "y"}}', False),
    ("R2.9-nested-policy-flat-body", {"a": {"b": ["x"]}}, '{"a": "x"}', False),
    ("R2.9-dotted-key-nested-body", {"object.nested": ["v"]}, '{"object": {"nested": "v"}}', True),
    ("R2.9-dotted-key-dotted-body", {"object.nested": ["v"]}, '{"object.nested": "v"}', True),
    ("R2.9-array-of-objects", {"Records": {"eventName": [{"prefix": "ObjectCreated:"}]}}, RECORDS, True),
    ("R2.9-array-of-objects-no-element", {"Records": {"eventName": [{"prefix": "ObjectRestore:"}]}}, RECORDS, False),
    ("R2.9-empty-string-literal", {"a": [""]}, '{"a": ""}', True),
    ("R2.9-empty-string-literal-other", {"a": [""]}, '{"a": "x"}', False),
]


@pytest.mark.parametrize(
    ("policy", "body", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in BODY_CASES],
)
def test_message_body_scope(policy, body, expected):
    assert matches(policy, attrs(a="x", amount=1200), body, "MessageBody") is expected


def test_body_scope_ignores_message_attributes():
    assert matches({"store": ["a"]}, attrs(store="a"), '{"store": "b"}', "MessageBody") is False


def test_invalid_policy_raises_aws_error_not_python_exception():
    with pytest.raises(FilterPolicyError, match=r"^Invalid parameter: FilterPolicy: Empty arrays"):
        matches({"a": []}, attrs(a="x"), "")


def test_invalid_scope_raises_aws_error():
    with pytest.raises(FilterPolicyError, match=r"FilterPolicyScope: Invalid value \[Body\]"):
        matches({"a": ["x"]}, attrs(a="x"), "", "Body")


# --- explain_match: what the learner reads -------------------------------------------------------


def test_explain_names_the_failing_numeric_condition():
    explanation = explain_match({"amount": [{"numeric": [">=", 1000]}]}, attrs(amount=999), "")
    assert not explanation.matched
    assert str(explanation) == "amount 999 is not >= 1000"
    assert explanation.failed_keys == ("amount",)


def test_explain_lists_only_the_failing_keys():
    policy = {"event": ["OrderPlaced"], "amount": [{"numeric": [">", 0, "<=", 150]}]}
    explanation = explain_match(policy, attrs(event="OrderPlaced", amount=151), "")
    assert explanation.reason == "amount 151 is not > 0 and <= 150"
    assert [check.matched for check in explanation.checks] == [True, False]


def test_explain_missing_key():
    explanation = explain_match({"store": ["a", "b"]}, attrs(), "")
    assert explanation.reason == 'store is missing, so it is not "a" or "b"'


def test_explain_match_says_why_it_matched():
    explanation = explain_match({"sport": [{"equals-ignore-case": "TENNIS"}]}, attrs(sport="tennis"), "")
    assert explanation.matched
    assert explanation.reason == 'sport "tennis" is "TENNIS" ignoring case'


def test_explain_numeric_condition_on_string_attribute_gives_the_cause():
    explanation = explain_match({"amount": [{"numeric": [">=", 1000]}]}, attrs(amount="1200"), "")
    assert explanation.reason == (
        'amount "1200" is not >= 1000 '
        "(numeric conditions match only Number attributes; this one is a String)"
    )


def test_explain_case_sensitive_exact_match_gives_the_cause():
    explanation = explain_match({"event": ["OrderPlaced"]}, attrs(event="orderplaced"), "")
    assert explanation.reason.endswith("(exact matching is case-sensitive; equals-ignore-case is not)")


def test_explain_binary_attribute_is_ignored():
    explanation = explain_match({"photo": [{"exists": True}]}, attrs(photo=b"\x01"), "")
    assert explanation.reason == "photo is missing (filter policies ignore Binary attributes), so it is not present"


def test_explain_or_reports_every_branch():
    explanation = explain_match(OR_POLICY, attrs(source="aws.cloudwatch", namespace="AWS/ES"), "")
    assert explanation.reason == (
        'no $or branch matches: (metricName is missing, so it is not "CPUUtilization") | '
        '(namespace "AWS/ES" is not "AWS/EC2")'
    )


def test_explain_body_not_json():
    explanation = explain_match({"a": ["x"]}, None, "plain text", "MessageBody")
    assert not explanation.matched
    assert "not a JSON object" in explanation.reason


def test_explain_body_numeric_on_string():
    explanation = explain_match({"amount": [{"numeric": [">=", 1000]}]}, None, '{"amount": "1200"}', "MessageBody")
    assert explanation.reason == 'amount "1200" is not >= 1000 (numeric conditions match JSON numbers, not strings)'


def test_explain_without_policy():
    explanation = explain_match("", attrs(), "")
    assert explanation.matched
    assert explanation.reason == "no filter policy: every message is delivered"


@pytest.mark.parametrize(("policy", "attributes", "expected"), [pytest.param(*row[1:], id=row[0]) for row in ATTRIBUTE_CASES])
def test_explain_agrees_with_matches(policy, attributes, expected):
    assert explain_match(policy, attributes, "").matched is expected
