"""IAM enforcement in the gateway: IAM users' and role sessions' calls decided by awslab.models.iam."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.exceptions import ClientError

from awslab.gateway.behaviours.iam_enforcement import SECURE_TRANSPORT_HEADER

ACCOUNT = "123456789012"
PARTNER = "444455556666"


def doc(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


class Identity:
    """Clients signed as an IAM user or role session created on the backend."""

    def __init__(self, aws, key: str, secret: str, token: str | None = None) -> None:
        self.aws, self.key, self.secret, self.token = aws, key, secret, token

    def client(self, service: str):
        return self.aws.client_as(service, self.key, self.secret, self.token)


def make_user(aws, name: str, *statements: dict, boundary: str | None = None) -> Identity:
    iam = aws.client("iam")
    iam.create_user(UserName=name)
    if statements:
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-inline", PolicyDocument=doc(*statements))
    if boundary:
        iam.put_user_permissions_boundary(UserName=name, PermissionsBoundary=boundary)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return Identity(aws, key["AccessKeyId"], key["SecretAccessKey"])


def make_role_session(aws, role: str, *statements: dict, boundary_arn: str | None = None,
                      session_policy: str | None = None) -> Identity:
    iam = aws.client("iam")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"})
    extra = {"PermissionsBoundary": boundary_arn} if boundary_arn else {}
    arn = iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust, **extra)["Role"]["Arn"]
    if statements:
        iam.put_role_policy(RoleName=role, PolicyName=f"{role}-inline", PolicyDocument=doc(*statements))
    params = {"Policy": session_policy} if session_policy else {}
    creds = aws.client("sts").assume_role(RoleArn=arn, RoleSessionName="session", **params)["Credentials"]
    return Identity(aws, creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])


def managed_policy(aws, name: str, *statements: dict) -> str:
    return aws.client("iam").create_policy(PolicyName=name, PolicyDocument=doc(*statements))["Policy"]["Arn"]


def error_of(excinfo) -> tuple[str, str, int]:
    response = excinfo.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.fixture
def aws(fresh_aws):
    fresh_aws.settings["iam_enforcement"] = True
    yield fresh_aws
    fresh_aws.settings.clear()


@pytest.fixture
def bucket(aws):
    aws.client("s3").create_bucket(Bucket="team-data")
    return "team-data"


# --------------------------------------------------------------------------- S3
def test_s3_user_reads_own_prefix_and_is_denied_another(aws, bucket):
    alice = make_user(aws, "alice", allow(["s3:GetObject", "s3:PutObject"], f"arn:aws:s3:::{bucket}/home/${{aws:username}}/*"))
    s3 = alice.client("s3")
    s3.put_object(Bucket=bucket, Key="home/alice/notes.txt", Body=b"hi")
    assert s3.get_object(Bucket=bucket, Key="home/alice/notes.txt")["Body"].read() == b"hi"
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="home/bob/notes.txt")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert "s3:GetObject" in message and "arn:aws:s3:::team-data/home/bob/notes.txt" in message
    assert "user/alice" in message and "no identity-based policy" in message


def test_s3_list_bucket_uses_the_prefix_condition(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:ListBucket", f"arn:aws:s3:::{bucket}",
                                          Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}))
    s3 = alice.client("s3")
    assert s3.list_objects_v2(Bucket=bucket, Prefix="home/alice/")["KeyCount"] == 0
    for prefix in ("home/bob/", ""):
        with pytest.raises(ClientError) as excinfo:
            s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        assert error_of(excinfo)[0] == "AccessDenied"


def test_denied_request_never_reaches_the_emulator(aws, bucket):
    alice = make_user(aws, "alice")
    with pytest.raises(ClientError):
        alice.client("s3").put_object(Bucket=bucket, Key="x", Body=b"x")
    assert aws.client("s3").list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_needs_every_key(aws, bucket):
    aws.client("s3").put_object(Bucket=bucket, Key="home/alice/a", Body=b"a")
    alice = make_user(aws, "alice", allow("s3:DeleteObject", f"arn:aws:s3:::{bucket}/home/alice/*"))
    s3 = alice.client("s3")
    with pytest.raises(ClientError):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "home/alice/a"}, {"Key": "home/bob/b"}]})
    s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "home/alice/a"}]})


def test_copy_object_needs_read_on_the_source(aws, bucket):
    aws.client("s3").put_object(Bucket=bucket, Key="shared/src", Body=b"a")
    alice = make_user(aws, "alice", allow("s3:PutObject", f"arn:aws:s3:::{bucket}/home/alice/*"))
    with pytest.raises(ClientError) as excinfo:
        alice.client("s3").copy_object(Bucket=bucket, Key="home/alice/copy", CopySource=f"{bucket}/shared/src")
    assert "s3:GetObject" in error_of(excinfo)[1]


# --------------------------------------------------------------------------- bucket policies
def secure_policy(bucket: str) -> str:
    return doc(
        {"Sid": "TLS", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
        {"Sid": "SSE", "Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
         "Resource": f"arn:aws:s3:::{bucket}/*", "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}})


def test_bucket_policy_denies_an_unencrypted_upload(aws, bucket):
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=secure_policy(bucket))
    alice = make_user(aws, "alice", allow("s3:*", "*"))
    s3 = alice.client("s3")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    code, message, _ = error_of(excinfo)
    assert code == "AccessDenied" and "explicit deny in a resource-based policy" in message
    s3.put_object(Bucket=bucket, Key="sealed", Body=b"x", ServerSideEncryption="AES256")
    s3.put_object(Bucket=bucket, Key="kms", Body=b"x", ServerSideEncryption="aws:kms")


def test_bucket_policy_denies_plain_http_when_the_scenario_says_so(aws, bucket):
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=secure_policy(bucket))
    alice = make_user(aws, "alice", allow("s3:*", "*"))
    s3 = alice.client("s3")
    s3.get_object  # noqa: B018 - TLS by default: boto3 talks TLS to AWS
    s3.list_objects_v2(Bucket=bucket)
    aws.settings["iam_secure_transport"] = False
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket)
    entry = aws.log.calls("s3", "ListObjectsV2", source=None)[-1]
    assert entry.notes["iam"]["decision"] == "ExplicitlyDenied"


def test_a_header_sets_secure_transport_per_request(aws, bucket):
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=secure_policy(bucket))
    s3 = make_user(aws, "alice", allow("s3:*", "*")).client("s3")
    s3.meta.events.register("before-sign.s3.*", lambda request, **_: request.headers.__setitem__(
        SECURE_TRANSPORT_HEADER, "false"))
    with pytest.raises(ClientError):
        s3.list_objects_v2(Bucket=bucket)


def test_bucket_policy_change_is_seen_at_once(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:*", "*"))
    s3 = alice.client("s3")
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=secure_policy(bucket))
    with pytest.raises(ClientError):
        s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    aws.client("s3").delete_bucket_policy(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="plain", Body=b"x")


def test_bucket_policy_naming_the_user_is_enough_in_one_account(aws, bucket):
    alice = make_user(aws, "alice")
    with pytest.raises(ClientError):
        alice.client("s3").get_object(Bucket=bucket, Key="k")
    aws.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "Action": "s3:GetObject",
         "Resource": f"arn:aws:s3:::{bucket}/*"}))
    assert alice.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


# --------------------------------------------------------------------------- cross-account
def partner_bucket(aws) -> str:
    """A bucket owned by another account: the backend's users are the partner's principals."""
    aws.client("s3").create_bucket(Bucket="owner-reports")
    aws.client("s3").put_object(Bucket="owner-reports", Key="q1.csv", Body=b"1")
    aws.settings["iam_bucket_owners"] = {"owner-reports": PARTNER}
    return "owner-reports"


def test_cross_account_read_is_denied_without_a_bucket_policy(aws):
    name = partner_bucket(aws)
    auditor = make_role_session(aws, "Auditor", allow(["s3:GetObject", "s3:ListBucket"], "*"))
    with pytest.raises(ClientError) as excinfo:
        auditor.client("s3").get_object(Bucket=name, Key="q1.csv")
    code, message, _ = error_of(excinfo)
    assert code == "AccessDenied" and "no resource-based policy allows" in message
    note = aws.log.calls("s3", "GetObject", source=None)[-1].notes["iam"]
    assert "cross-account" in note["reason"] and "resource policy" in note["missing"]


def test_cross_account_read_is_allowed_by_a_bucket_policy_naming_the_role(aws):
    name = partner_bucket(aws)
    aws.client("s3").put_bucket_policy(Bucket=name, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Auditor"},
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"]}))
    auditor = make_role_session(aws, "Auditor", allow(["s3:GetObject", "s3:ListBucket"], "*"))
    s3 = auditor.client("s3")
    assert s3.get_object(Bucket=name, Key="q1.csv")["Body"].read() == b"1"
    assert s3.list_objects_v2(Bucket=name)["KeyCount"] == 1
    with pytest.raises(ClientError):
        s3.put_object(Bucket=name, Key="new", Body=b"x")  # neither side allows writes


def test_cross_account_needs_the_identity_side_too(aws):
    name = partner_bucket(aws)
    aws.client("s3").put_bucket_policy(Bucket=name, Policy=doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/Auditor"},
         "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}))
    auditor = make_role_session(aws, "Auditor")
    with pytest.raises(ClientError) as excinfo:
        auditor.client("s3").get_object(Bucket=name, Key="q1.csv")
    assert "no identity-based policy" in error_of(excinfo)[1]


# --------------------------------------------------------------------------- boundaries, sessions
def test_role_boundary_caps_the_identity_policy(aws, bucket):
    cap = managed_policy(aws, "s3-only", allow(["s3:*", "sqs:*"], "*",
                                               Condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    session = make_role_session(aws, "Builder", allow("*", "*"), boundary_arn=cap)
    session.client("s3").list_objects_v2(Bucket=bucket)
    session.client("sqs").list_queues()
    with pytest.raises(ClientError) as excinfo:
        session.client("dynamodb").list_tables()
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDeniedException", 400) and "no permissions boundary allows" in message
    other_region = boto3.client("sqs", endpoint_url=aws.endpoint_url, region_name="eu-west-1",
                                aws_access_key_id=session.key, aws_secret_access_key=session.secret,
                                aws_session_token=session.token)
    with pytest.raises(ClientError):
        other_region.list_queues()


def test_user_boundary_is_kept_even_where_the_emulator_drops_it(aws, bucket):
    cap = managed_policy(aws, "read-only", allow("s3:GetObject", "*"))
    alice = make_user(aws, "alice", allow("s3:*", "*"), boundary=cap)
    s3 = alice.client("s3")
    aws.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")
    s3.get_object(Bucket=bucket, Key="k")
    with pytest.raises(ClientError) as excinfo:
        s3.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert "permissions boundary" in error_of(excinfo)[1]
    aws.client("iam").delete_user_permissions_boundary(UserName="alice")
    s3.put_object(Bucket=bucket, Key="k", Body=b"y")


def test_session_policy_limits_an_assumed_role(aws, bucket):
    session = make_role_session(aws, "Wide", allow("*", "*"), session_policy=doc(allow("s3:ListBucket", "*")))
    session.client("s3").list_objects_v2(Bucket=bucket)
    with pytest.raises(ClientError) as excinfo:
        session.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")
    assert "no session policy allows" in error_of(excinfo)[1]


def test_group_and_managed_policies_count(aws, bucket):
    iam = aws.client("iam")
    alice = make_user(aws, "alice")
    iam.create_group(GroupName="readers")
    iam.put_group_policy(GroupName="readers", PolicyName="r", PolicyDocument=doc(allow("s3:ListBucket", "*")))
    iam.add_user_to_group(GroupName="readers", UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn=managed_policy(aws, "q", allow("sqs:ListQueues", "*")))
    alice.client("s3").list_objects_v2(Bucket=bucket)
    alice.client("sqs").list_queues()
    iam.attach_user_policy(UserName="alice", PolicyArn=managed_policy(aws, "no-s3", deny("s3:*", "*")))
    with pytest.raises(ClientError) as excinfo:
        alice.client("s3").list_objects_v2(Bucket=bucket)
    assert "explicit deny in an identity-based policy" in error_of(excinfo)[1]


# --------------------------------------------------------------------------- SQS, SNS, DynamoDB, IAM, STS
def test_sqs_allowed_and_denied(aws):
    url = aws.client("sqs").create_queue(QueueName="jobs")["QueueUrl"]
    other = aws.client("sqs").create_queue(QueueName="secret")["QueueUrl"]
    sqs = make_user(aws, "worker", allow(["sqs:SendMessage", "sqs:ReceiveMessage"],
                                         f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs")).client("sqs")
    sqs.send_message(QueueUrl=url, MessageBody="hi")
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "1", "MessageBody": "a"}])
    with pytest.raises(ClientError) as excinfo:
        sqs.send_message(QueueUrl=other, MessageBody="hi")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert f"sqs:SendMessage on resource: arn:aws:sqs:us-east-1:{ACCOUNT}:secret" in message


def test_sqs_queue_policy_counts(aws):
    sqs_admin = aws.client("sqs")
    url = sqs_admin.create_queue(QueueName="inbox")["QueueUrl"]
    worker = make_user(aws, "worker")
    with pytest.raises(ClientError):
        worker.client("sqs").send_message(QueueUrl=url, MessageBody="x")
    sqs_admin.set_queue_attributes(QueueUrl=url, Attributes={"Policy": doc(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/worker"}, "Action": "sqs:SendMessage",
         "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:inbox"})})
    worker.client("sqs").send_message(QueueUrl=url, MessageBody="x")


def test_sns_allowed_and_denied_with_authorization_error(aws):
    topic = aws.client("sns").create_topic(Name="alerts")["TopicArn"]
    sns = make_user(aws, "pub", allow("sns:Publish", topic)).client("sns")
    sns.publish(TopicArn=topic, Message="hi")
    with pytest.raises(ClientError) as excinfo:
        sns.list_topics()
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AuthorizationError", 403) and "sns:ListTopics" in message


def test_sns_topic_policy_deny(aws):
    sns_admin = aws.client("sns")
    topic = sns_admin.create_topic(Name="alerts")["TopicArn"]
    sns = make_user(aws, "pub", allow("sns:Publish", "*")).client("sns")
    sns.publish(TopicArn=topic, Message="hi")
    sns_admin.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=doc(
        {"Effect": "Deny", "Principal": "*", "Action": "sns:Publish", "Resource": topic}))
    with pytest.raises(ClientError) as excinfo:
        sns.publish(TopicArn=topic, Message="hi")
    assert "explicit deny in a resource-based policy" in error_of(excinfo)[1]


def test_dynamodb_allowed_and_denied(aws):
    ddb_admin = aws.client("dynamodb")
    for name in ("orders", "payroll"):
        ddb_admin.create_table(TableName=name, KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                               AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                               BillingMode="PAY_PER_REQUEST")
    ddb = make_user(aws, "app", allow(["dynamodb:PutItem", "dynamodb:GetItem"],
                                      f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders")).client("dynamodb")
    ddb.put_item(TableName="orders", Item={"id": {"S": "1"}})
    assert ddb.get_item(TableName="orders", Key={"id": {"S": "1"}})["Item"]
    with pytest.raises(ClientError) as excinfo:
        ddb.get_item(TableName="payroll", Key={"id": {"S": "1"}})
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDeniedException", 400)
    assert f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/payroll" in message
    with pytest.raises(ClientError):
        ddb.batch_write_item(RequestItems={"orders": [{"PutRequest": {"Item": {"id": {"S": "2"}}}}]})


def test_iam_allowed_and_denied(aws):
    iam = make_user(aws, "admin-ish", allow("iam:GetUser", f"arn:aws:iam::{ACCOUNT}:user/*")).client("iam")
    assert iam.get_user(UserName="admin-ish")["User"]["UserName"] == "admin-ish"
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="mallory")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert f"iam:CreateUser on resource: arn:aws:iam::{ACCOUNT}:user/mallory" in message


def test_sts_assume_role_needs_the_callers_permission_and_the_trust_policy(aws):
    iam_admin = aws.client("iam")
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/alice"}, "Action": "sts:AssumeRole"})
    role = iam_admin.create_role(RoleName="Ops", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    alice = make_user(aws, "alice", allow("sts:AssumeRole", role))
    bob = make_user(aws, "bob", allow("sts:AssumeRole", "*"))
    assert alice.client("sts").get_caller_identity()["Arn"].endswith("user/alice")  # needs no permission
    creds = alice.client("sts").assume_role(RoleArn=role, RoleSessionName="ops")["Credentials"]
    assert creds["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        bob.client("sts").assume_role(RoleArn=role, RoleSessionName="ops")
    code, _, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)


def test_get_caller_identity_is_allowed_even_under_an_explicit_deny(aws):
    # https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
    alice = make_user(aws, "alice", deny("*"))
    assert alice.client("sts").get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice"
    entry = aws.log.calls("sts", "GetCallerIdentity", source=None)[-1]
    assert entry.notes["iam"]["decision"] == "Allowed"
    assert "no policy can deny it" in entry.notes["iam"]["reason"]


def test_assume_role_is_denied_when_the_trust_policy_names_someone_else_even_with_an_identity_allow(aws):
    # Trust policies must allow even within one account (reference_policies_evaluation-logic_policy-eval-denyallow.html).
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:user/bob"}, "Action": "sts:AssumeRole"})
    role = aws.client("iam").create_role(RoleName="Ops", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    alice = make_user(aws, "alice", allow("sts:AssumeRole", "*"))
    with pytest.raises(ClientError) as excinfo:
        alice.client("sts").assume_role(RoleArn=role, RoleSessionName="ops")
    code, message, status = error_of(excinfo)
    assert (code, status) == ("AccessDenied", 403)
    assert f"sts:AssumeRole on resource: {role}" in message
    assert "trust policy must allow" in aws.log.calls("sts", "AssumeRole", source=None)[-1].notes["iam"]["reason"]


def test_assume_role_with_a_trust_policy_naming_the_account_needs_an_identity_allow(aws):
    # A trust policy naming arn:aws:iam::ACCOUNT:root delegates to the account's IAM policies.
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"})
    role = aws.client("iam").create_role(RoleName="Ops", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    alice = make_user(aws, "alice", allow("sts:AssumeRole", role))
    bob = make_user(aws, "bob", allow("s3:*"))
    assert alice.client("sts").assume_role(RoleArn=role, RoleSessionName="ops")["Credentials"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        bob.client("sts").assume_role(RoleArn=role, RoleSessionName="ops")
    assert error_of(excinfo)[0] == "AccessDenied"


# --------------------------------------------------------------------------- who is enforced
def test_grader_and_learner_keys_are_never_enforced(aws, bucket):
    from awslab import safety

    aws.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")
    learner = aws.client_as("s3", safety.LEARNER_ACCESS_KEY, safety.FAKE_SECRET)
    learner.get_object(Bucket=bucket, Key="k")
    assert all("iam" not in e.notes for e in aws.log.calls(source=None))


def test_enforcement_is_off_unless_the_scenario_turns_it_on(aws, bucket):
    alice = make_user(aws, "alice")
    aws.settings["iam_enforcement"] = False
    alice.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")


def test_unknown_access_key_is_refused(aws):
    with pytest.raises(ClientError) as excinfo:
        aws.client_as("s3", "AKIAIOSFODNN7EXAMPLE", "secret").list_buckets()
    assert error_of(excinfo)[0] == "InvalidAccessKeyId"
    with pytest.raises(ClientError) as excinfo:
        aws.client_as("sqs", "AKIAIOSFODNN7EXAMPLE", "secret").list_queues()
    assert error_of(excinfo)[0] == "InvalidClientTokenId"


def test_policy_changes_take_effect_at_once(aws, bucket):
    alice = make_user(aws, "alice")
    with pytest.raises(ClientError):
        alice.client("s3").list_objects_v2(Bucket=bucket)
    aws.client("iam").put_user_policy(UserName="alice", PolicyName="p", PolicyDocument=doc(allow("s3:ListBucket", "*")))
    alice.client("s3").list_objects_v2(Bucket=bucket)


def test_the_request_log_records_the_decision_and_why(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:ListBucket", f"arn:aws:s3:::{bucket}"))
    alice.client("s3").list_objects_v2(Bucket=bucket, Prefix="home/")
    with pytest.raises(ClientError):
        alice.client("s3").get_object(Bucket=bucket, Key="k")
    allowed, denied = aws.log.calls("s3", source="other")[-2:]
    assert allowed.notes["iam"]["decision"] == "Allowed"
    assert allowed.notes["iam"]["action"] == "s3:ListBucket"
    assert allowed.notes["iam"]["deciding"][0]["policy"] == "identity policy 1"
    assert allowed.notes["iam"]["policies"] == ["identity policy 1: inline alice-inline (user alice)"]
    assert denied.notes["iam"]["decision"] == "ImplicitlyDenied"
    assert denied.error_code == "AccessDenied"
    assert "Decision: ImplicitlyDenied" in denied.notes["iam"]["explanation"]
    assert "arn:aws:s3:::team-data/k" in denied.notes["iam"]["explanation"]


def test_conditions_see_the_virtual_clock(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:ListBucket", "*",
                                          Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))
    alice.client("s3").list_objects_v2(Bucket=bucket)
    if not aws.has("virtual_time"):
        pytest.skip("the backend does not follow virtual time")
    aws.clock.advance(days=365 * 10)
    with pytest.raises(ClientError):
        alice.client("s3").list_objects_v2(Bucket=bucket)


def test_moto_own_bucket_policy_check_does_not_refuse_what_awslab_allowed(aws, bucket):
    # moto ignores conditions in bucket policies: "deny unless encrypted" would refuse every upload.
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=secure_policy(bucket))
    aws.client("s3").put_object(Bucket=bucket, Key="by-grader", Body=b"x")
    make_user(aws, "alice", allow("s3:*", "*")).client("s3").put_object(
        Bucket=bucket, Key="by-alice", Body=b"x", ServerSideEncryption="AES256")
    assert aws.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]


# ------------------------------------------------------- service rules (docs/iam.md, "Service rules")
# Each action is its own string (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html):
# one with a comma or whitespace inside matches no request; IAM stores the policy all the same (a
# second colon, "s3:GetObject,s3:PutObject", it refuses: "Actions/Condition can contain only one colon.").
@pytest.mark.parametrize("action", ["s3:GetObject,PutObject", "s3:GetObject, PutObject", "s3:PutObject "])
def test_an_allow_whose_action_holds_a_comma_or_whitespace_grants_nothing(aws, bucket, action):
    alice = make_user(aws, "alice", allow(action, f"arn:aws:s3:::{bucket}/*"))
    with pytest.raises(ClientError) as excinfo:
        alice.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")
    assert error_of(excinfo)[0] == "AccessDenied"


def test_a_deny_whose_action_holds_a_comma_denies_nothing(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:*", f"arn:aws:s3:::{bucket}/*"),
                      deny("s3:GetObject,PutObject", f"arn:aws:s3:::{bucket}/*"))
    alice.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")


# A Deny with NotPrincipal always applies to a principal with a permissions boundary
# (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html).
def _deny_everyone_but_alice(aws, bucket):
    aws.client("s3").put_bucket_policy(Bucket=bucket, Policy=doc({
        "Effect": "Deny", "NotPrincipal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:user/alice", f"arn:aws:iam::{ACCOUNT}:root"]},
        "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
    aws.client("s3").put_object(Bucket=bucket, Key="k", Body=b"x")


def test_deny_with_notprincipal_naming_the_user_spares_a_user_without_a_boundary(aws, bucket):
    alice = make_user(aws, "alice", allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    _deny_everyone_but_alice(aws, bucket)
    assert alice.client("s3").get_object(Bucket=bucket, Key="k")["Body"].read() == b"x"


def test_deny_with_notprincipal_always_denies_a_user_with_a_permissions_boundary(aws, bucket):
    boundary = managed_policy(aws, "s3-boundary", allow("s3:*"))
    alice = make_user(aws, "alice", allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*"), boundary=boundary)
    _deny_everyone_but_alice(aws, bucket)
    with pytest.raises(ClientError) as excinfo:
        alice.client("s3").get_object(Bucket=bucket, Key="k")
    assert error_of(excinfo)[0] == "AccessDenied"
