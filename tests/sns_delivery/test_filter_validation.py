"""Filter-policy validation: AWS's InvalidParameter messages and limits (rules R1.1, R1.5, R3).

The expected messages are the validated ones of R3.4 (AWS's own text, without the Jackson location
suffix that AWS appends to some of them).
"""

import json

import pytest

from awslab.models.sns_delivery import (
    FilterPolicyError,
    complexity,
    expand,
    validate_filter_policy,
    validate_scope,
)

SET = "Invalid parameter: FilterPolicy: "
SUBSCRIBE = "Invalid parameter: Attributes Reason: FilterPolicy: "

INVALID_CASES = [
    # (id, policy, scope, reason after "FilterPolicy: ")
    ("R3.4-value-not-a-list", {"key_a": "value_one"}, "MessageAttributes", '"key_a" must be an object or an array'),
    ("R3.4-empty-array", {"key": []}, "MessageAttributes", "Empty arrays are not allowed"),
    ("R3.4-nested-array-value", {"key": [["value"]]}, "MessageAttributes", "Match value must be String, number, true, false, or null"),
    ("R3.4-unknown-operator", {"key": [{"wrong-operator": True}]}, "MessageAttributes", "Unrecognized match type wrong-operator"),
    ("R3.4-two-operators", {"key": [{"suffix": "a", "prefix": "b"}]}, "MessageAttributes", "Only one key allowed in match expression"),
    ("R3.4-suffix-number", {"key": [{"suffix": 100}]}, "MessageAttributes", "suffix match pattern must be a string"),
    ("R3.4-suffix-null", {"key": [{"suffix": None}]}, "MessageAttributes", "suffix match pattern must be a string"),
    ("R3.4-suffix-list", {"key": [{"suffix": []}]}, "MessageAttributes", "suffix match pattern must be a string"),
    ("R3.4-operator-outside-list", {"key": {"suffix": "value"}}, "MessageAttributes", '"suffix" must be an object or an array'),
    ("R3.4-operator-outside-list-body", {"key": {"suffix": "value"}}, "MessageBody", '"suffix" must be an object or an array'),
    ("R3.4-cidr-without-slash", {"key": [{"cidr": "bad-filter"}]}, "MessageAttributes", "Malformed CIDR, one '/' required"),
    ("R3.4-cidr-bad-address", {"key": [{"cidr": "bad-filter/64"}]}, "MessageAttributes", "Nonstandard IP address: bad-filter"),
    ("R3.4-numeric-empty", {"key": [{"numeric": []}]}, "MessageAttributes", "Invalid member in numeric match: ]"),
    ("R3.4-numeric-number-first", {"key": [{"numeric": [1, "<="]}]}, "MessageAttributes", "Invalid member in numeric match: 1"),
    ("R3.4-numeric-unknown-operator", {"key": [{"numeric": ["operator"]}]}, "MessageAttributes", "Unrecognized numeric range operator: operator"),
    ("R3.4-numeric-string-value", {"key": [{"numeric": ["=", "000"]}]}, "MessageAttributes", "Value of equals must be numeric"),
    ("R3.4-numeric-missing-value", {"key": [{"numeric": [">="]}]}, "MessageAttributes", "Value of >= must be numeric"),
    ("R3.4-numeric-upper-bound-first", {"key": [{"numeric": ["<", 100, ">", 10]}]}, "MessageAttributes", "Too many elements in numeric expression"),
    ("R3.4-numeric-two-lower-bounds", {"key": [{"numeric": [">=", 1, ">", 2]}]}, "MessageAttributes", "Bad numeric range operator: >"),
    ("R3.4-numeric-bottom-above-top", {"key": [{"numeric": [">", 3, "<", 1]}]}, "MessageAttributes", "Bottom must be less than top"),
    ("R3.4-numeric-too-many-terms", {"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}, "MessageAttributes", "Too many terms in numeric range expression"),
    ("R3.4-numeric-range-missing-top", {"key": [{"numeric": [">", 20, "<="]}]}, "MessageAttributes", "Value of <= must be numeric"),
    ("R3.4-numeric-range-value-not-operator", {"key": [{"numeric": [">", 20, 30]}]}, "MessageAttributes", "Bad value in numeric range: 30"),
    ("R3.4-numeric-range-string-bottom", {"key": [{"numeric": [">", "20", "<", "30"]}]}, "MessageAttributes", "Value of > must be numeric"),
    ("R3.4-numeric-range-string-top", {"key": [{"numeric": [">", 20, "<", "30"]}]}, "MessageAttributes", "Value of < must be numeric"),
    ("R3.4-exists-string", {"key": [{"exists": "no"}]}, "MessageAttributes", "exists match pattern must be either true or false."),
    ("R3.4-exists-null", {"key": [{"exists": None}]}, "MessageAttributes", "exists match pattern must be either true or false."),
    ("R2.3-anything-but-suffix-rejected", {"key": [{"anything-but": {"suffix": "test"}}]}, "MessageAttributes", "Unsupported anything-but pattern: suffix"),
    ("R2.3-anything-but-exists-rejected", {"key": [{"anything-but": {"exists": False}}]}, "MessageAttributes", "Unsupported anything-but pattern: exists"),
    ("R3.4-anything-but-prefix-not-string", {"key": [{"anything-but": {"prefix": False}}]}, "MessageAttributes", "prefix match pattern must be a string"),
    ("R3.1-six-keys", {f"key{i}": [f"value{i}"] for i in range(1, 7)}, "MessageAttributes", "Filter policy can not have more than 5 keys"),
    ("R3.2-one-key-151-values", {"key": [f"value{i}" for i in range(151)]}, "MessageAttributes", "Filter policy is too complex"),
    ("R3.2-two-keys-100-by-51", {"key1": [f"v{i}" for i in range(100)], "key2": [f"v{i}" for i in range(51)]}, "MessageAttributes", "Filter policy is too complex"),
]


@pytest.mark.parametrize(
    ("policy", "scope", "reason"),
    [pytest.param(*row[1:], id=row[0]) for row in INVALID_CASES],
)
def test_invalid_policy_set_subscription_attributes(policy, scope, reason):
    with pytest.raises(FilterPolicyError) as raised:
        validate_filter_policy(json.dumps(policy), scope)
    assert raised.value.message == SET + reason
    assert raised.value.code == "InvalidParameter"
    assert raised.value.http_status == 400


@pytest.mark.parametrize(
    ("policy", "scope", "reason"),
    [pytest.param(*row[1:], id=row[0]) for row in INVALID_CASES],
)
def test_invalid_policy_subscribe_prefix(policy, scope, reason):
    with pytest.raises(FilterPolicyError) as raised:
        validate_filter_policy(policy, scope, call="Subscribe")
    assert str(raised.value) == SUBSCRIBE + reason


def test_nested_policy_in_message_attributes_scope():
    with pytest.raises(FilterPolicyError) as raised:
        validate_filter_policy({"object": {"key": [{"prefix": "auto-"}]}}, "MessageAttributes")
    assert raised.value.message == (
        "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
    )


def test_unknown_scope():
    with pytest.raises(FilterPolicyError) as raised:
        validate_scope("RandomValue")
    assert raised.value.message == (
        "Invalid parameter: FilterPolicyScope: Invalid value [RandomValue]. "
        "Please use either MessageBody or MessageAttributes"
    )
    with pytest.raises(FilterPolicyError, match=r"^Invalid parameter: FilterPolicyScope"):
        validate_filter_policy({"a": ["x"]}, "RandomValue")


@pytest.mark.parametrize("scope", [None, "MessageAttributes", "MessageBody"])
def test_known_scopes(scope):
    assert validate_scope(scope) == (scope or "MessageAttributes")


# R3.2's examples. Nested: depth x values per key; "$or": alternatives summed.
NESTED_72 = {
    "key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
    "key_d": {"key_e": ["value_one", "value_two", "value_three"]},
}
NESTED_216 = {**NESTED_72, "key_f": ["value_one", "value_two", "value_three"]}
OR_152 = {
    "source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]},
        {
            "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
            "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}],
        },
    ],
}
OR_150 = {
    "source": ["aws.cloudwatch", "aws.events", "aws.test"],
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "TestVal4"]},
        {
            "metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
            "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}],
        },
    ],
}
OR_160_NESTED = {
    "$or": [
        {"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]},
        {"namespace": ["AWS/EC2", "AWS/ES"]},
    ],
    "detail": {
        "scope": ["Service", "Test"],
        "$or": [
            {"source": ["aws.cloudwatch"]},
            {"type": ["CloudWatch Alarm State Change", "TestValue", "TestValue2"]},
        ],
    },
}

COMPLEXITY_CASES = [
    ("R3.2-flat-example", {"a": ["1", "2", "3"], "b": ["1"], "c": ["1", "2"]}, "MessageAttributes", 6),
    ("R3.2-flat-150-is-allowed", {"key": [f"value{i}" for i in range(150)]}, "MessageAttributes", 150),
    ("R3.2-nested-depth-times-values", NESTED_72, "MessageBody", 72),
    ("R3.2-or-alternatives-summed", OR_150, "MessageAttributes", 150),
]


@pytest.mark.parametrize(
    ("policy", "scope", "expected"),
    [pytest.param(*row[1:], id=row[0]) for row in COMPLEXITY_CASES],
)
def test_complexity_within_limit(policy, scope, expected):
    assert complexity(expand(policy)) == expected
    assert validate_filter_policy(policy, scope) == policy


@pytest.mark.parametrize(
    ("policy", "scope", "expected"),
    [
        pytest.param(NESTED_216, "MessageBody", 216, id="R3.2-nested-third-key-216"),
        pytest.param(OR_152, "MessageAttributes", 152, id="R3.2-or-flat-152"),
        pytest.param(OR_160_NESTED, "MessageBody", 160, id="R3.2-or-nested-160"),
    ],
)
def test_too_complex(policy, scope, expected):
    assert complexity(expand(policy)) == expected
    with pytest.raises(FilterPolicyError) as raised:
        validate_filter_policy(policy, scope)
    assert raised.value.message == SET + "Filter policy is too complex"


def test_nested_policy_counts_only_top_level_keys():
    policy = {"parent": {f"child{i}": ["x"] for i in range(6)}}
    assert validate_filter_policy(policy, "MessageBody") == policy


VALID_CASES = [
    ("R3.4-anything-but-single", {"key": [{"anything-but": "test"}]}, "MessageAttributes"),
    ("R3.4-anything-but-list", {"key": [{"anything-but": ["test", "test2"]}]}, "MessageAttributes"),
    ("R3.4-anything-but-prefix", {"key": [{"anything-but": {"prefix": "test-"}}]}, "MessageAttributes"),
    ("R2.3-anything-but-numbers", {"key": [{"anything-but": [100, 500]}]}, "MessageAttributes"),
    ("R2.3-anything-but-with-exists-false", {"key": [{"anything-but": ["a"]}, {"exists": False}]}, "MessageAttributes"),
    ("R2.4-numeric-range", {"key": [{"numeric": [">", 0, "<=", 150]}]}, "MessageAttributes"),
    ("R2.6-cidr-ipv6", {"key": [{"cidr": "2001:db8:1234:1a00::/64"}]}, "MessageAttributes"),
    ("R2.7-literals", {"key": ["s", 1, 2.5, True, False, None]}, "MessageAttributes"),
    ("R1.4-or-top-level", {"source": ["x"], "$or": [{"a": ["1"]}, {"b": ["2"]}]}, "MessageAttributes"),
    ("R1.4-or-nested-in-body", {"d": {"$or": [{"a": ["1"]}, {"b": {"c": ["2"]}}]}}, "MessageBody"),
    ("R2.9-nested-body-policy", {"object": {"key": [{"prefix": "auto-"}]}}, "MessageBody"),
    ("R3.1-five-keys", {f"key{i}": ["v"] for i in range(5)}, "MessageAttributes"),
]


@pytest.mark.parametrize(
    ("policy", "scope"),
    [pytest.param(*row[1:], id=row[0]) for row in VALID_CASES],
)
def test_valid_policy_is_returned_as_dict(policy, scope):
    assert validate_filter_policy(json.dumps(policy), scope) == policy
    assert validate_filter_policy(policy, scope) == policy


@pytest.mark.parametrize("policy", ["", None, "{}", {}])
def test_empty_policy_removes_the_filter(policy):
    assert validate_filter_policy(policy) == {}


def test_unknown_call_is_a_programming_error():
    with pytest.raises(ValueError):
        validate_filter_policy({"a": ["x"]}, call="Publish")


def test_malformed_json_is_an_aws_error():
    with pytest.raises(FilterPolicyError, match=r"^Invalid parameter: FilterPolicy: "):
        validate_filter_policy('{"a": [')


def test_expand_flattens_nesting_and_or():
    policy = {"a": ["x"], "$or": [{"b": ["y"]}, {"c": {"d": ["z"]}}]}
    assert expand(policy) == [
        {("a",): ["x"], ("b",): ["y"]},
        {("a",): ["x"], ("c", "d"): ["z"]},
    ]


def test_or_with_one_object_is_an_attribute_name():
    # R1.4: fewer than 2 objects, so "$or" is a key whose value list holds a match expression.
    with pytest.raises(FilterPolicyError, match="Unrecognized match type a$"):
        validate_filter_policy({"$or": [{"a": ["x"]}]})
