"""SNS filter policy limits through the gateway, on Subscribe and SetSubscriptionAttributes, as AWS
refuses them: at most 5 keys, at most 150 combinations (each leaf's values times its nesting depth,
"$or" branches added), code InvalidParameter, HTTP 400, the message prefixed by the call
(https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html;
aws-rules/sns_filter_and_delivery.md R3.1, R3.2, R3.4; the policies are those whose answers
LocalStack recorded from AWS). AWS documents no limit on nesting depth: depth counts only through
the combinations, so a policy nested 7 levels deep is accepted. Every test runs on embedded moto and
on moto server; plain moto words Subscribe's refusals without "Attributes Reason:", refuses a "$or"
policy of 150 combinations that AWS accepts, and accepts an empty array.
"""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

SUBSCRIBE, SET = "Invalid parameter: Attributes Reason: FilterPolicy: ", "Invalid parameter: FilterPolicy: "
TOO_COMPLEX, TOO_MANY_KEYS = "Filter policy is too complex", "Filter policy can not have more than 5 keys"


def _values(n: int) -> list[str]:
    return [f"v{i}" for i in range(n)]


def _nested(levels: int, values: int) -> dict:
    policy: dict = {"leaf": _values(values)}
    for level in range(levels - 1):
        policy = {f"level{level}": policy}
    return policy


# (AWS behaviour, policy, scope, what AWS says after the prefix or None when it accepts the policy)
CASES = [
    ("six_keys_are_too_many", {f"key{i}": ["v"] for i in range(6)}, None, TOO_MANY_KEYS),
    ("one_key_with_151_values_is_too_complex", {"key": _values(151)}, None, TOO_COMPLEX),
    ("two_keys_of_100_and_51_values_multiply_past_150", {"key1": _values(100), "key2": _values(51)}, None,
     TOO_COMPLEX),
    ("or_branches_adding_up_to_150_are_accepted", {
        "source": _values(3), "$or": [{"metricName": _values(6)}, {
            "metricType": _values(4), "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}]},
     None, None),
    ("or_branches_adding_up_to_152_are_too_complex", {
        "source": _values(4), "$or": [{"metricName": _values(6)}, {
            "metricType": _values(4), "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4]}]}]},
     None, TOO_COMPLEX),
    ("nested_or_in_a_body_policy_adding_up_to_160_is_too_complex", {
        "$or": [{"metricName": _values(3)}, {"namespace": _values(2)}],
        "detail": {"scope": _values(2), "$or": [{"source": _values(1)}, {"type": _values(3)}]}},
     "MessageBody", TOO_COMPLEX),
    ("nested_leaves_count_their_depth_216_is_too_complex", {
        "key_a": {"key_b": {"key_c": _values(4)}}, "key_d": {"key_e": _values(3)}, "key_f": _values(3)},
     "MessageBody", TOO_COMPLEX),
    ("a_leaf_6_levels_deep_with_25_values_is_150_and_accepted", _nested(6, 25), "MessageBody", None),
    ("a_leaf_6_levels_deep_with_26_values_is_too_complex", _nested(6, 26), "MessageBody", TOO_COMPLEX),
    ("a_policy_nested_7_levels_deep_is_accepted", _nested(7, 1), "MessageBody", None),
    ("an_empty_array_is_refused", {"key": []}, None, "Empty arrays are not allowed"),
]
IDS = [case[0] for case in CASES]


class World:
    def __init__(self, aws, sns) -> None:
        sqs = aws.client("sqs")
        self.sns = sns
        self.topic = sns.create_topic(Name="orders")["TopicArn"]
        url = sqs.create_queue(QueueName="fraud")["QueueUrl"]
        self.queue = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]

    def subscribe(self, **attributes: str) -> str:
        return self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=self.queue, Attributes=attributes,
                                  ReturnSubscriptionArn=True)["SubscriptionArn"]


def _attributes(policy: dict, scope: str | None) -> dict:
    return {"FilterPolicy": json.dumps(policy), **({"FilterPolicyScope": scope} if scope else {})}


@pytest.fixture
def world(either_moto):
    return World(either_moto, either_moto.client("sns"))


@pytest.fixture
def plain(either_moto):
    return World(either_moto, either_moto.gateway.internal_client("sns"))


@pytest.mark.parametrize("behaviour, policy, scope, reason", CASES, ids=IDS)
def test_subscribe_with_a_filter_policy_is_judged_as_aws_does(world, behaviour, policy, scope, reason):
    if reason is None:
        world.subscribe(**_attributes(policy, scope))
        return
    with pytest.raises(ClientError) as raised:
        world.subscribe(**_attributes(policy, scope))
    answer = raised.value.response
    assert (answer["Error"]["Code"], answer["ResponseMetadata"]["HTTPStatusCode"]) == ("InvalidParameter", 400)
    assert answer["Error"]["Message"] == SUBSCRIBE + reason


@pytest.mark.parametrize("behaviour, policy, scope, reason", CASES, ids=IDS)
def test_set_subscription_attributes_filter_policy_is_judged_as_aws_does(world, behaviour, policy, scope, reason):
    arn = world.subscribe(**({"FilterPolicyScope": scope} if scope else {}))

    def set_policy():
        world.sns.set_subscription_attributes(SubscriptionArn=arn, AttributeName="FilterPolicy",
                                              AttributeValue=json.dumps(policy))
    if reason is None:
        set_policy()
        attributes = world.sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]
        assert json.loads(attributes["FilterPolicy"]) == policy
        return
    with pytest.raises(ClientError) as raised:
        set_policy()
    assert raised.value.response["Error"]["Code"] == "InvalidParameter"
    assert raised.value.response["Error"]["Message"] == SET + reason


@pytest.mark.parametrize("behaviour, policy, scope, reason",
                         [case for case in CASES if case[0] != "a_policy_nested_7_levels_deep_is_accepted"
                          and not case[0].endswith("25_values_is_150_and_accepted")],
                         ids=[i for i in IDS if i != "a_policy_nested_7_levels_deep_is_accepted"
                              and not i.endswith("25_values_is_150_and_accepted")])
def test_plain_moto_answers_otherwise(plain, behaviour, policy, scope, reason):
    try:
        plain.subscribe(**_attributes(policy, scope))
        answer = None
    except ClientError as error:
        answer = error.response["Error"]["Message"]
    assert answer != (None if reason is None else SUBSCRIBE + reason)
