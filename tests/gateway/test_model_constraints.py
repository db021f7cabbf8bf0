"""botocore's model constraints that AWS checks server-side, enforced by the gateway (issue 17).

The cases are generated from the service models: for every operation of SQS, SNS, S3, DynamoDB
and IAM, and every top-level parameter with a maximum, a pattern or an enum, one call that is
valid except for that parameter. botocore's client lets each through (it checks only minimums);
through the gateway AWS's error comes back; plain moto mostly answers otherwise. Every test runs
on embedded moto and on moto server.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from botocore.model import Shape

from awslab.gateway.aws_request import service_model
from awslab.gateway.model_constraints import _S3_OPEN_ENUMS, _broken, _pattern, refusal, violations


@pytest.fixture
def fresh_aws(either_moto):
    return either_moto


SERVICES = ("sqs", "sns", "s3", "dynamodb", "iam", "kms")
_CANDIDATES = ("a", "abc", "a1", "/", "/a/", "us-east-1", "arn:aws:iam::123456789012:role/a", "a@b.c", "1", "aaa")


def _valid(shape: Shape, depth: int = 0):
    """A small value `shape` accepts, or None where none of the candidates fits."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "string":
        if getattr(shape, "enum", None):
            return shape.enum[0]
        for candidate in _CANDIDATES + ("a" * meta.get("min", 1),):
            if not _broken(shape, candidate):
                return candidate
        return None
    if kind in ("integer", "long"):
        return meta.get("min", 1)
    if kind == "boolean":
        return False
    if kind in ("blob",):
        return b"a" * meta.get("min", 1)
    if kind == "timestamp":
        return "2026-01-01T00:00:00Z"
    if kind in ("float", "double"):
        return 1.0
    if kind == "list":
        if not meta.get("min"):
            return []
        item = _valid(shape.member, depth + 1) if depth < 4 else None
        return None if item is None else [item] * meta["min"]
    if kind == "map":
        return {}
    if kind == "structure":
        if depth > 4:
            return None
        if shape.is_tagged_union:  # exactly one member set (botocore refuses none or two)
            for name, member_shape in shape.members.items():
                member = _valid(member_shape, depth + 1)
                if member is not None:
                    return {name: member}
            return None
        value = {}
        for name in shape.required_members:
            member = _valid(shape.members[name], depth + 1)
            if member is None:
                return None
            value[name] = member
        return value
    return None


def _invalid(shape: Shape) -> tuple[str, object] | None:
    """(which constraint, a value breaking only that constraint of `shape`) or None."""
    kind, meta = shape.type_name, shape.metadata
    if kind == "string" and getattr(shape, "enum", None) and shape.name not in _S3_OPEN_ENUMS:
        return "enum", "NOT_A_VALUE_OF_THE_ENUM"
    if kind == "string" and "max" in meta and meta["max"] < 5000:
        return "max_length", "a" * (meta["max"] + 1)
    if kind == "string" and _pattern(meta.get("pattern")) is not None:
        for candidate in (" ", "a b!", "\t", "bad name!*", "::"):
            if len(candidate) >= meta.get("min", 0) and len(candidate) <= meta.get("max", 10**6) \
                    and not _pattern(meta["pattern"]).fullmatch(candidate):
                return "pattern", candidate
    if kind in ("integer", "long") and "max" in meta:
        return "max_value", meta["max"] + 1
    return None


def _cases() -> list:
    cases = []
    for service in SERVICES:
        model = service_model(service)
        for operation in model.operation_names:
            op = model.operation_model(operation)
            shape = op.input_shape
            if shape is None or op.endpoint or "Directory" in operation or operation == "SelectObjectContent":
                continue  # host-prefixed and directory-bucket (S3 Express) endpoints; Select is not emulated
            base = _valid(shape)
            if base is None:
                continue
            for name, member in shape.members.items():
                location = member.serialization.get("location")
                if location == "uri" or (service == "s3" and location):
                    continue
                if member.type_name == "list" and member.member.type_name == "string":
                    broken = _invalid(member.member)
                    if broken is None or broken[0] != "enum":
                        continue
                    broken = (f"list_{broken[0]}", [broken[1]])
                elif member.type_name in ("string", "integer", "long"):
                    broken = _invalid(member)
                elif member.type_name == "structure" and not location:
                    cases.extend(_nested_cases(service, operation, base, name, member))
                    continue
                else:
                    continue
                if broken is None:
                    continue
                constraint, value = broken
                cases.append(pytest.param(service, operation, {**base, name: value},
                                          id=f"{service}-{operation}-{name}-{constraint}"))
    return cases


def _nested_cases(service: str, operation: str, base: dict, name: str, member: Shape) -> list:
    """One level down: a structure parameter (S3's XML documents) valid but for one of its members."""
    valid = _valid(member)
    if valid is None:
        return []
    cases = []
    for inner_name, inner in member.members.items():
        if inner.type_name not in ("string", "integer", "long"):
            continue
        broken = _invalid(inner)
        if broken is not None:
            inner_value = {inner_name: broken[1]} if member.is_tagged_union else {**valid, inner_name: broken[1]}
            cases.append(pytest.param(service, operation, {**base, name: inner_value},
                                      id=f"{service}-{operation}-{name}.{inner_name}-{broken[0]}"))
    return cases


CASES = _cases()


def _method(client, operation: str):
    return getattr(client, client.meta.method_to_api_mapping and next(
        m for m, api in client.meta.method_to_api_mapping.items() if api == operation))


def test_cases_are_many_and_cover_every_service():
    per_service = {s: sum(1 for c in CASES if c.values[0] == s) for s in SERVICES}
    assert sum(per_service.values()) >= 150, per_service
    assert all(per_service.values()), per_service


@pytest.mark.parametrize("service, operation, params", CASES)
def test_aws_refuses_a_parameter_its_model_forbids(fresh_aws, service, operation, params):
    client = fresh_aws.client(service)
    with pytest.raises(ClientError) as raised:
        _method(client, operation)(**params)
    expected = refusal(service, violations(service, operation, params), operation)[0]
    assert raised.value.response["Error"]["Code"] == expected
    assert raised.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_plain_moto_lets_most_model_violations_through(fresh_aws):
    """The gateway's reason to exist: plain moto does not answer most of these as AWS does."""
    differs = 0
    for case in CASES:
        service, operation, params = case.values
        client = fresh_aws.gateway.internal_client(service)
        expected = refusal(service, violations(service, operation, params), operation)[0]
        try:
            _method(client, operation)(**params)
            differs += 1
        except ClientError as error:
            differs += error.response["Error"]["Code"] != expected
        except Exception:  # noqa: BLE001 - any other refusal still differs from AWS's
            differs += 1
    assert differs >= len(CASES) * 0.8, f"{differs} of {len(CASES)}"


def test_iam_role_name_over_64_characters_reads_as_aws_words_it(fresh_aws):
    with pytest.raises(ClientError) as raised:
        fresh_aws.client("iam").create_role(RoleName="r" * 65, AssumeRolePolicyDocument="{}")
    assert raised.value.response["Error"]["Code"] == "ValidationError"
    assert raised.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{'r' * 65}' at 'roleName' failed to satisfy constraint: "
        "Member must have length less than or equal to 64")


def test_dynamodb_billing_mode_outside_its_enum_is_a_validation_exception(fresh_aws):
    with pytest.raises(ClientError) as raised:
        fresh_aws.client("dynamodb").update_table(TableName="t", BillingMode="CHEAP")
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "at 'billingMode' failed to satisfy constraint: Member must satisfy enum value set: [" in (
        raised.value.response["Error"]["Message"])


def test_nested_violations_name_their_path_as_aws_does():
    found = violations("dynamodb", "CreateTable", {
        "TableName": "t", "KeySchema": [{"AttributeName": "pk", "KeyType": "SIDEWAYS"}],
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}]})
    assert [v.path for v in found] == ["keySchema.1.member.keyType"]


def test_valid_parameters_have_no_violations():
    assert violations("iam", "CreateRole", {"RoleName": "app-role", "AssumeRolePolicyDocument": "{}",
                                            "Path": "/service/"}) == []


def test_receive_message_takes_message_system_attribute_names_as_sqs_does(fresh_aws):
    """ReceiveMessage's AttributeNames is modelled as queue attribute names, yet SQS documents (and
    answers) message system attributes there: ApproximateReceiveCount, SentTimestamp, ...
    (API_ReceiveMessage.html). A name that is neither is still refused."""
    sqs = fresh_aws.client("sqs")
    url = sqs.create_queue(QueueName="attribute-names")["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="x")
    got = sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCount", "SentTimestamp"])
    assert got["Messages"][0]["Attributes"]["ApproximateReceiveCount"] == "1"
    with pytest.raises(ClientError) as excinfo:
        sqs.receive_message(QueueUrl=url, AttributeNames=["ApproximateReceiveCounts"])
    assert excinfo.value.response["Error"]["Code"] in ("InvalidAttributeName", "AWS.SimpleQueueService.InvalidAttributeName")


def test_s3_answers_a_location_constraint_or_event_outside_the_enum_itself(fresh_aws):
    """S3's schema leaves LocationConstraint and notification events open: S3 answers them with its
    own errors, not MalformedXML (moto's aws_verified test_bucket_create_force_us_east_1; the event
    error names the supported events). Other S3 enums (lifecycle Status) stay MalformedXML."""
    s3 = fresh_aws.client("s3")
    with pytest.raises(ClientError) as raised:
        s3.create_bucket(Bucket="where", CreateBucketConfiguration={"LocationConstraint": "us-east-1"})
    assert raised.value.response["Error"]["Code"] == "InvalidLocationConstraint"
    s3.create_bucket(Bucket="events")
    with pytest.raises(ClientError) as raised:
        s3.put_bucket_notification_configuration(Bucket="events", NotificationConfiguration={
            "QueueConfigurations": [{"QueueArn": "arn:aws:sqs:us-east-1:123456789012:q", "Events": ["nota"]}]})
    assert raised.value.response["Error"]["Code"] == "InvalidArgument"
    assert "The event 'nota' is not supported" in raised.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as raised:
        s3.put_bucket_lifecycle_configuration(Bucket="events", LifecycleConfiguration={"Rules": [
            {"ID": "r", "Status": "enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}}]})
    assert raised.value.response["Error"]["Code"] == "MalformedXML"


def test_sns_operation_declaring_validation_exception_answers_with_it(fresh_aws):
    with pytest.raises(ClientError) as raised:
        fresh_aws.client("sns").list_origination_numbers(MaxResults=31)
    assert raised.value.response["Error"]["Code"] == "ValidationException"


def test_a_secret_over_its_limit_is_named_without_its_value_as_kms_does(fresh_aws):
    kms = fresh_aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as raised:
        kms.encrypt(KeyId=key, Plaintext=b"secret" * 1000)
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value at 'plaintext' failed to satisfy constraint: "
        "Member must have length less than or equal to 4096")


def test_kms_rotation_period_over_2560_days_is_refused_as_kms_does(fresh_aws):
    kms = fresh_aws.client("kms")
    key = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as raised:
        kms.enable_key_rotation(KeyId=key, RotationPeriodInDays=3650)
    assert raised.value.response["Error"]["Code"] == "ValidationException"
    assert "Value '3650' at 'rotationPeriodInDays'" in raised.value.response["Error"]["Message"]
    fresh_aws.gateway.internal_client("kms").enable_key_rotation(KeyId=key, RotationPeriodInDays=3650)  # moto


def test_dynamodb_checks_worded_its_own_way_keep_the_emulators_answer(fresh_aws):
    """TransactItems over 100, BatchGetItem's Keys over 100 and Select outside its enum are worded by
    DynamoDB in a form of its own, which moto repeats (its aws_verified
    test_select_values_are_case_sensitive lists the enum in AWS's order, not the model's)."""
    dynamodb = fresh_aws.client("dynamodb")
    dynamodb.create_table(TableName="own", KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")

    def message(call) -> str:
        with pytest.raises(ClientError) as raised:
            call()
        assert raised.value.response["Error"]["Code"] == "ValidationException"
        return raised.value.response["Error"]["Message"]

    puts = [{"Put": {"TableName": "own", "Item": {"pk": {"S": str(n)}}}} for n in range(101)]
    assert message(lambda: dynamodb.transact_write_items(TransactItems=puts)) == (
        "1 validation error detected at 'transactItems' failed to satisfy constraint: "
        "Member must have length less than or equal to 100.")
    keys = [{"pk": {"S": str(n)}} for n in range(101)]
    assert message(lambda: dynamodb.batch_get_item(RequestItems={"own": {"Keys": keys}})) == (
        "1 validation error detected: Value at 'requestItems.own.member.keys' failed to satisfy "
        "constraint: Member must have length less than or equal to 100")
    assert message(lambda: dynamodb.scan(TableName="own", Select="count")) == (
        "1 validation error detected: Value 'count' at 'select' failed to satisfy constraint: Member must "
        "satisfy enum value set: [SPECIFIC_ATTRIBUTES, COUNT, ALL_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES]")


def test_s3_acl_grant_outside_the_permission_enum_is_a_malformed_acl_error(fresh_aws):
    s3 = fresh_aws.client("s3")
    s3.create_bucket(Bucket="acl")
    owner = s3.get_bucket_acl(Bucket="acl")["Owner"]
    for put in (lambda policy: s3.put_bucket_acl(Bucket="acl", AccessControlPolicy=policy),
                lambda policy: (s3.put_object(Bucket="acl", Key="k", Body=b"x"),
                                s3.put_object_acl(Bucket="acl", Key="k", AccessControlPolicy=policy))):
        with pytest.raises(ClientError) as raised:
            put({"Grants": [{"Grantee": {"URI": "http://acs.amazonaws.com/groups/s3/LogDelivery", "Type": "Group"},
                             "Permission": "EVERYTHING"}], "Owner": owner})
        assert raised.value.response["Error"]["Code"] == "MalformedACLError"
