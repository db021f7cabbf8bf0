"""Checks of the iam_policy lab: each policy is judged by effect with awslab.models.iam on a request matrix
(requests it must allow, requests it must deny); the developer policy also end to end, with IAM
enforcement in the gateway; the learner's `evaluate` against awslab.models.iam on a visible and a hidden set."""

from __future__ import annotations

import json
import random
from typing import Any

from awslab.lab import check, iam, render_decision

ACCOUNT = "123456789012"  # the lab's own account (as in the README)
PARTNER = "210987654321"
THIRD = "333333333333"
BUCKET = "team-data"
EVALUATE_WORDS = {"Allowed": "Allow", "ExplicitlyDenied": "ExplicitDeny", "ImplicitlyDenied": "ImplicitDeny"}
ADMIN = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
SHOWN_FAILURES = 4


# --------------------------------------------------------------------------- policies from the learner
def learner_policy(ctx, function: str, *args: Any, kind: str) -> dict:
    """The learner's policy, checked by awslab.models.iam; a malformed one fails the check with its problems."""
    policy = getattr(ctx.learner, function)(*args)
    if isinstance(policy, str):
        try:
            policy = json.loads(policy)
        except ValueError as error:
            ctx.fail(f"{function} returned text that is not JSON ({error}); return a dict")
    if not isinstance(policy, dict):
        ctx.fail(f"{function} must return the policy as a dict, got {type(policy).__name__}")
    try:
        iam.parse_policy(policy, kind)
    except iam.PolicyError as error:
        ctx.fail(f"{function} returned a policy awslab.models.iam cannot use: {error}")
    return policy


class Case:
    """One request of a matrix and whether the policy must allow it."""

    def __init__(self, what: str, request: iam.Request, allowed: bool, **policies: Any) -> None:
        self.what, self.request, self.allowed, self.policies = what, request, allowed, policies

    def describe(self) -> str:
        r = self.request
        context = f" with {r.context}" if r.context else ""
        return f"{r.principal} {r.action} on {r.resource}{context}"


def judge(ctx, cases: list[Case], title: str) -> None:
    """Fail with the first few cases decided the wrong way, each with awslab.models.iam's reason."""
    wrong = []
    for case in cases:
        decision = iam.evaluate(case.request, **case.policies)
        if decision.allowed != case.allowed:
            wrong.append((case, decision))
    if not wrong:
        ctx.note(f"{len(cases)} requests decided as expected")
        return
    lines = []
    for case, decision in wrong[:SHOWN_FAILURES]:
        verb = "allow" if case.allowed else "deny"
        lines.append(f"should {verb} {case.what} ({case.describe()}), but {decision.decision}: {decision.reason}")
    more = f" (and {len(wrong) - SHOWN_FAILURES} more)" if len(wrong) > SHOWN_FAILURES else ""
    first_case, first = wrong[0]
    try:
        ctx.show(f"{title}: {first_case.what}", render_decision(first, title))
    except Exception:  # noqa: BLE001 - a picture is a bonus, never a reason to fail
        pass
    ctx.fail(f"{len(wrong)} of {len(cases)} requests decided wrongly{more}: " + "; ".join(lines))


def user(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:user/{name}"


def obj(key: str, bucket: str = BUCKET) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


# --------------------------------------------------------------------------- developer_policy
def developer_allowed(policy: dict) -> list[Case]:
    cases = []
    for name in ("alice", "bob"):
        for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
            cases.append(Case(f"{name} {action} in her/his own home", iam.Request(action, obj(f"home/{name}/notes.txt"),
                              user(name)), True, identity_policies=[policy]))
        cases.append(Case(f"{name} listing home/{name}/", iam.Request("s3:ListBucket", f"arn:aws:s3:::{BUCKET}", user(name),
                          {"s3:prefix": f"home/{name}/"}), True, identity_policies=[policy]))
    cases.append(Case("alice listing a folder inside her home", iam.Request(
        "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", user("alice"), {"s3:prefix": "home/alice/reports/"}), True,
        identity_policies=[policy]))
    return cases


def developer_list_denied(policy: dict) -> list[Case]:
    bucket_arn = f"arn:aws:s3:::{BUCKET}"
    return [Case(what, iam.Request("s3:ListBucket", bucket_arn, user("alice"), {"s3:prefix": prefix}), False,
                 identity_policies=[policy])
            for what, prefix in (("alice listing bob's home", "home/bob/"), ("alice listing the whole bucket", ""),
                                 ("alice listing every home", "home/"), ("alice listing another prefix", "shared/"))]


def developer_other_denied(policy: dict) -> list[Case]:
    cases = []
    for action in ("s3:GetObject", "s3:PutObject", "s3:DeleteObject"):
        cases.append(Case(f"alice {action} in bob's home", iam.Request(action, obj("home/bob/notes.txt"), user("alice")), False,
                          identity_policies=[policy]))
    cases += [
        Case("alice reading home/alice2/ (another user's home)", iam.Request("s3:GetObject", obj("home/alice2/x"), user("alice")),
             False, identity_policies=[policy]),
        Case("alice reading outside home/", iam.Request("s3:GetObject", obj("shared/plan.txt"), user("alice")), False,
             identity_policies=[policy]),
        Case("alice reading the same key in another bucket", iam.Request(
            "s3:GetObject", obj("home/alice/notes.txt", "other-bucket"), user("alice")), False, identity_policies=[policy]),
        Case("alice listing another bucket", iam.Request("s3:ListBucket", "arn:aws:s3:::other-bucket", user("alice"),
             {"s3:prefix": "home/alice/"}), False, identity_policies=[policy]),
    ]
    for action, resource in (("s3:DeleteBucket", f"arn:aws:s3:::{BUCKET}"), ("s3:PutBucketPolicy", f"arn:aws:s3:::{BUCKET}"),
                             ("s3:PutObjectAcl", obj("home/alice/notes.txt")), ("s3:ListAllMyBuckets", "*"),
                             ("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs")):
        cases.append(Case(f"alice calling {action}", iam.Request(action, resource, user("alice")), False,
                          identity_policies=[policy]))
    return cases


@check("developer_policy lets each developer use their own home/<username>/", points=2,
       hint="One policy for everyone: the Resource can say home/${aws:username}/* (and keep \"Version\": \"2012-10-17\").")
def developer_allows_own_home(ctx):
    policy = learner_policy(ctx, "developer_policy", BUCKET, kind="identity")
    judge(ctx, developer_allowed(policy), "developer_policy")


@check("developer_policy lists only the developer's own prefix", points=2,
       hint="ListBucket is on the bucket ARN; limit it with a condition on the s3:prefix key.")
def developer_lists_only_own_prefix(ctx):
    policy = learner_policy(ctx, "developer_policy", BUCKET, kind="identity")
    judge(ctx, developer_allowed(policy) + developer_list_denied(policy), "developer_policy")


@check("developer_policy grants nothing else (least privilege)", points=2,
       hint="No s3:*, no other buckets, no other users' homes: list exactly the actions and resources needed.")
def developer_least_privilege(ctx):
    policy = learner_policy(ctx, "developer_policy", BUCKET, kind="identity")
    judge(ctx, developer_allowed(policy) + developer_other_denied(policy), "developer_policy")


@check("End to end: alice and bob, with developer_policy attached, each use only their own home", points=3,
       hint="If the matrix checks pass, this one should too; read the AccessDenied message in the details.")
def developer_end_to_end(ctx):
    bucket = ctx.unique("team")
    other = ctx.unique("elsewhere")
    policy = learner_policy(ctx, "developer_policy", bucket, kind="identity")
    if not policy.get("Statement"):
        ctx.fail("developer_policy has no statements: alice and bob could do nothing")
    s3_admin, iam = ctx.client("s3"), ctx.client("iam")
    for name in (bucket, other):
        s3_admin.create_bucket(Bucket=name)
    s3_admin.put_object(Bucket=bucket, Key="home/bob/todo.txt", Body=b"bob's")
    s3_admin.put_object(Bucket=other, Key="home/alice/notes.txt", Body=b"elsewhere")
    arn = iam.create_policy(PolicyName=ctx.unique("developers"), PolicyDocument=json.dumps(policy))["Policy"]["Arn"]
    clients = {}
    for name in ("alice", "bob"):
        iam.create_user(UserName=name)
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        clients[name] = ctx.client_as("s3", key["AccessKeyId"], key["SecretAccessKey"])
    alice = clients["alice"]

    def attempt(what: str, call, should_work: bool) -> str | None:
        try:
            call()
        except Exception as error:  # noqa: BLE001 - a ClientError is the point; anything else is reported
            if should_work:
                return f"{what} should work but failed: {getattr(error, 'response', {}).get('Error', {}).get('Message', error)}"
            code = getattr(error, "response", {}).get("Error", {}).get("Code")
            if code != "AccessDenied":
                return f"{what} should be denied with AccessDenied, got {code or error}"
            return None
        return None if should_work else f"{what} should be denied, but it worked"

    ctx.settings["iam_enforcement"] = True
    try:
        steps = [
            ("alice writing home/alice/notes.txt", lambda: alice.put_object(Bucket=bucket, Key="home/alice/notes.txt", Body=b"hi"), True),
            ("alice reading home/alice/notes.txt", lambda: alice.get_object(Bucket=bucket, Key="home/alice/notes.txt")["Body"].read(), True),
            ("alice listing home/alice/", lambda: alice.list_objects_v2(Bucket=bucket, Prefix="home/alice/"), True),
            ("alice deleting home/alice/notes.txt", lambda: alice.delete_object(Bucket=bucket, Key="home/alice/notes.txt"), True),
            ("bob writing home/bob/todo.txt", lambda: clients["bob"].put_object(Bucket=bucket, Key="home/bob/todo.txt", Body=b"x"), True),
            ("alice reading bob's home/bob/todo.txt", lambda: alice.get_object(Bucket=bucket, Key="home/bob/todo.txt"), False),
            ("alice writing into bob's home", lambda: alice.put_object(Bucket=bucket, Key="home/bob/x", Body=b"x"), False),
            ("alice listing home/bob/", lambda: alice.list_objects_v2(Bucket=bucket, Prefix="home/bob/"), False),
            ("alice reading another bucket", lambda: alice.get_object(Bucket=other, Key="home/alice/notes.txt"), False),
        ]
        problems = [p for p in (attempt(*step) for step in steps) if p]
    finally:
        ctx.settings["iam_enforcement"] = False
    if problems:
        denied = [c for c in ctx.log.calls("s3", source="other") if c.notes.get("iam", {}).get("decision") != "Allowed"]
        if denied and "explanation" in denied[-1].notes.get("iam", {}):
            ctx.note(denied[-1].notes["iam"]["explanation"])
        ctx.fail("; ".join(problems))
    ctx.note(f"{len(steps)} real calls by alice and bob behaved as expected")


# --------------------------------------------------------------------------- secure_bucket_policy
def _secure(policy: dict, what: str, action: str, resource: str, allowed: bool, **context: Any) -> Case:
    return Case(what, iam.Request(action, resource, user("dev"), context), allowed,
                identity_policies=[ADMIN], resource_policy=policy)


def secure_allowed(policy: dict, kms: bool = True) -> list[Case]:
    tls = {"aws:SecureTransport": True}
    cases = [
        _secure(policy, "an AES256-encrypted upload over TLS", "s3:PutObject", obj("a.txt"), True,
                **tls, **{"s3:x-amz-server-side-encryption": "AES256"}),
        _secure(policy, "a download over TLS", "s3:GetObject", obj("a.txt"), True, **tls),
        _secure(policy, "a listing over TLS", "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", True, **tls),
    ]
    if kms:
        cases.append(_secure(policy, "an SSE-KMS upload over TLS", "s3:PutObject", obj("a.txt"), True,
                             **tls, **{"s3:x-amz-server-side-encryption": "aws:kms"}))
    return cases


@check("secure_bucket_policy denies every request not sent over TLS", points=2,
       hint="aws:SecureTransport is \"false\" for plain HTTP; a Deny with a Bool condition covers the bucket and its objects.")
def secure_denies_plain_http(ctx):
    policy = learner_policy(ctx, "secure_bucket_policy", BUCKET, kind="resource")
    plain = {"aws:SecureTransport": False}
    denied = [
        _secure(policy, "a download over plain HTTP", "s3:GetObject", obj("a.txt"), False, **plain),
        _secure(policy, "an encrypted upload over plain HTTP", "s3:PutObject", obj("a.txt"), False,
                **plain, **{"s3:x-amz-server-side-encryption": "AES256"}),
        _secure(policy, "a listing over plain HTTP", "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", False, **plain),
        _secure(policy, "a bucket policy change over plain HTTP", "s3:PutBucketPolicy", f"arn:aws:s3:::{BUCKET}", False,
                **plain),
    ]
    judge(ctx, secure_allowed(policy, kms=False) + denied, "secure_bucket_policy")


@check("secure_bucket_policy denies uploads without server-side encryption", points=2,
       hint="An upload without encryption has no s3:x-amz-server-side-encryption key at all: the Null operator "
            "tests for that; SSE-KMS uploads must still pass.")
def secure_requires_encryption(ctx):
    policy = learner_policy(ctx, "secure_bucket_policy", BUCKET, kind="resource")
    denied = [_secure(policy, "an unencrypted upload over TLS", "s3:PutObject", obj("a.txt"), False,
                      **{"aws:SecureTransport": True})]
    judge(ctx, secure_allowed(policy) + denied, "secure_bucket_policy")


# --------------------------------------------------------------------------- boundary
ROLE = f"arn:aws:sts::{ACCOUNT}:assumed-role/Builder/session"


def _capped(policy: dict, what: str, action: str, resource: str, allowed: bool, region: str = "us-east-1") -> Case:
    return Case(what, iam.Request(action, resource, ROLE, {"aws:RequestedRegion": region}), allowed,
                identity_policies=[ADMIN], permission_boundary=policy)


def boundary_allowed(policy: dict) -> list[Case]:
    return [
        _capped(policy, "s3:GetObject in us-east-1", "s3:GetObject", obj("a.txt"), True),
        _capped(policy, "s3:PutObject in us-east-1", "s3:PutObject", obj("a.txt"), True),
        _capped(policy, "sqs:SendMessage in us-east-1", "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs", True),
        _capped(policy, "sqs:CreateQueue in us-east-1", "sqs:CreateQueue", f"arn:aws:sqs:us-east-1:{ACCOUNT}:new", True),
    ]


@check("boundary caps a role at S3 and SQS, whatever its identity policy grants", points=2,
       hint="A boundary never grants: it is the most a role can do. Allow s3:* and sqs:*, nothing else.")
def boundary_caps_services(ctx):
    policy = learner_policy(ctx, "boundary", kind="boundary")
    denied = [
        _capped(policy, "dynamodb:PutItem", "dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t", False),
        _capped(policy, "iam:CreateUser", "iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/x", False),
        _capped(policy, "sns:Publish", "sns:Publish", f"arn:aws:sns:us-east-1:{ACCOUNT}:t", False),
        _capped(policy, "ec2:RunInstances", "ec2:RunInstances", "*", False),
    ]
    narrow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    denied.append(Case("sqs:SendMessage when the identity policy grants only s3:GetObject (a boundary grants nothing)",
                       iam.Request("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs", ROLE,
                               {"aws:RequestedRegion": "us-east-1"}), False,
                       identity_policies=[narrow], permission_boundary=policy))
    judge(ctx, boundary_allowed(policy) + denied, "boundary")


@check("boundary caps a role at us-east-1", points=2,
       hint="Which condition key holds the region a request is sent to?")
def boundary_caps_region(ctx):
    policy = learner_policy(ctx, "boundary", kind="boundary")
    denied = [
        _capped(policy, "s3:GetObject in eu-west-1", "s3:GetObject", obj("a.txt"), False, "eu-west-1"),
        _capped(policy, "sqs:SendMessage in us-west-2", "sqs:SendMessage", f"arn:aws:sqs:us-west-2:{ACCOUNT}:jobs", False,
                "us-west-2"),
    ]
    judge(ctx, boundary_allowed(policy) + denied, "boundary")


# --------------------------------------------------------------------------- partner_read_policy
PARTNER_READS = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket", "s3:PutObject", "s3:DeleteObject"], "Resource": "*"}]}


def _partner(policy: dict, what: str, principal: str, action: str, resource: str, allowed: bool) -> Case:
    # The partner's own account lets its principals do a lot: only our bucket policy limits them.
    identity = [PARTNER_READS] if principal != "anonymous" else []
    return Case(what, iam.Request(action, resource, principal, resource_account=ACCOUNT), allowed,
                identity_policies=identity, resource_policy=policy)


def partner_allowed(policy: dict) -> list[Case]:
    role = f"arn:aws:iam::{PARTNER}:role/Auditor"
    session = f"arn:aws:sts::{PARTNER}:assumed-role/Auditor/audit-2024"
    return [
        _partner(policy, "the Auditor session reading an object", session, "s3:GetObject", obj("reports/q1.csv"), True),
        _partner(policy, "the Auditor session listing the bucket", session, "s3:ListBucket", f"arn:aws:s3:::{BUCKET}", True),
        _partner(policy, "the Auditor role reading an object", role, "s3:GetObject", obj("a.txt"), True),
    ]


@check("partner_read_policy lets the partner's Auditor read the bucket", points=2,
       hint="Across accounts both sides must allow; your side is the bucket policy. Name the role by its ARN.")
def partner_auditor_reads(ctx):
    policy = learner_policy(ctx, "partner_read_policy", BUCKET, PARTNER, kind="resource")
    judge(ctx, partner_allowed(policy), "partner_read_policy")


@check("partner_read_policy lets nobody else in, and the Auditor only read", points=2,
       hint="Principal \"*\" or the whole partner account lets in more than the Auditor; writes stay closed.")
def partner_least_privilege(ctx):
    policy = learner_policy(ctx, "partner_read_policy", BUCKET, PARTNER, kind="resource")
    session = f"arn:aws:sts::{PARTNER}:assumed-role/Auditor/audit-2024"
    denied = [
        _partner(policy, "the Auditor writing", session, "s3:PutObject", obj("a.txt"), False),
        _partner(policy, "the Auditor deleting", session, "s3:DeleteObject", obj("a.txt"), False),
        _partner(policy, "another partner role reading", f"arn:aws:sts::{PARTNER}:assumed-role/Intern/s",
                 "s3:GetObject", obj("a.txt"), False),
        _partner(policy, "a partner user reading", f"arn:aws:iam::{PARTNER}:user/mallory", "s3:GetObject", obj("a.txt"),
                 False),
        _partner(policy, "an Auditor of a third account reading", f"arn:aws:iam::{THIRD}:role/Auditor", "s3:GetObject",
                 obj("a.txt"), False),
        _partner(policy, "an anonymous reader", "anonymous", "s3:GetObject", obj("a.txt"), False),
        _partner(policy, "the Auditor reading another bucket", session, "s3:GetObject", obj("a.txt", "other-bucket"), False),
    ]
    judge(ctx, partner_allowed(policy) + denied, "partner_read_policy")


# --------------------------------------------------------------------------- evaluate
def _doc(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def _st(effect: str, action, resource, principal=None) -> dict:
    statement = {"Effect": effect, "Action": action, "Resource": resource}
    if principal is not None:
        statement["Principal"] = principal
    return statement


ALICE = user("alice")
VISIBLE: list[tuple[dict, dict]] = [
    ({"action": "s3:GetObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))], "resource": None, "boundary": None,
      "scps": []}),
    ({"action": "s3:PutObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))], "resource": None, "boundary": None,
      "scps": []}),
    ({"action": "s3:GetObject", "resource": obj("secret/a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:*", "*")), _doc(_st("Deny", "s3:Get*", f"arn:aws:s3:::{BUCKET}/secret/*"))],
      "resource": None, "boundary": None, "scps": []}),
    ({"action": "S3:getobject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))], "resource": None, "boundary": None,
      "scps": []}),
    ({"action": "s3:GetObject", "resource": "arn:aws:s3:::TEAM-DATA/a.txt", "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*"))], "resource": None, "boundary": None,
      "scps": []}),
    ({"action": "s3:GetObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [], "resource": _doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", {"AWS": ALICE})),
      "boundary": None, "scps": []}),
    ({"action": "s3:GetObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [], "resource": _doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", {"AWS": user("bob")})),
      "boundary": None, "scps": []}),
    ({"action": "sqs:SendMessage", "resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs", "principal": ALICE},
     {"identity": [_doc(_st("Allow", "*", "*"))], "resource": None, "boundary": _doc(_st("Allow", "s3:*", "*")),
      "scps": []}),
    ({"action": "s3:ListBucket", "resource": f"arn:aws:s3:::{BUCKET}", "principal": ALICE},
     {"identity": [_doc(_st("Allow", "*", "*"))], "resource": None, "boundary": _doc(_st("Allow", "s3:*", "*")),
      "scps": []}),
    ({"action": "s3:ListBucket", "resource": f"arn:aws:s3:::{BUCKET}", "principal": ALICE},
     {"identity": [_doc(_st("Allow", "*", "*"))], "resource": None, "boundary": None,
      "scps": [_doc(_st("Allow", "*", "*")), _doc(_st("Allow", "sqs:*", "*"))]}),
    ({"action": "s3:ListBucket", "resource": f"arn:aws:s3:::{BUCKET}", "principal": ALICE},
     {"identity": [_doc(_st("Allow", "*", "*"))], "resource": None, "boundary": None,
      "scps": [_doc(_st("Allow", "*", "*"), _st("Deny", "s3:List*", "*"))]}),
    ({"action": "s3:GetObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [], "resource": _doc(_st("Allow", "s3:GetObject", f"arn:aws:s3:::{BUCKET}/*", "*")),
      "boundary": _doc(_st("Allow", "sqs:*", "*")), "scps": []}),
    ({"action": "s3:DeleteObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:Delete?bject", "arn:aws:s3:::team-*/*"))], "resource": None,
      "boundary": None, "scps": []}),
    ({"action": "s3:GetObject", "resource": obj("a.txt"), "principal": ALICE},
     {"identity": [_doc(_st("Allow", "s3:GetObject", "*"))],
      "resource": _doc(_st("Deny", "s3:*", f"arn:aws:s3:::{BUCKET}/*", {"AWS": "*"})), "boundary": None, "scps": []}),
]


def expected_answer(request: dict, policies: dict) -> tuple[str, Any]:
    decision = iam.evaluate(iam.Request(request["action"], request["resource"], request["principal"]),
                        identity_policies=policies.get("identity") or [], resource_policy=policies.get("resource"),
                        permission_boundary=policies.get("boundary"),
                        scps=[[scp] for scp in policies.get("scps") or []])
    return EVALUATE_WORDS[decision.decision], decision


_ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket", "sqs:SendMessage", "sqs:ReceiveMessage",
            "dynamodb:GetItem", "iam:CreateUser"]
_ACTION_PATTERNS = _ACTIONS + ["s3:*", "s3:Get*", "s3:*Object", "s3:?etObject", "*", "sqs:*", "S3:GETOBJECT", "dynamodb:*",
                               "s3:List*", "iam:*"]
_RESOURCES = [obj("a.txt"), obj("home/alice/x"), obj("home/bob/x"), f"arn:aws:s3:::{BUCKET}", "arn:aws:s3:::logs/2024/a",
              f"arn:aws:sqs:us-east-1:{ACCOUNT}:jobs", f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders", "*"]
_RESOURCE_PATTERNS = _RESOURCES + [f"arn:aws:s3:::{BUCKET}/*", "arn:aws:s3:::*", f"arn:aws:s3:::{BUCKET}/home/*",
                                   "arn:aws:s3:::TEAM-DATA/*", f"arn:aws:s3:::{BUCKET}/home/?????/x",
                                   f"arn:aws:sqs:*:{ACCOUNT}:*", "arn:aws:dynamodb:*:*:table/ord*", "*", "*"]
_PRINCIPALS = [user("alice"), user("bob"), f"arn:aws:iam::{ACCOUNT}:role/Builder"]


def _variant(rng: random.Random, text: str, ignore_case: bool) -> str:
    """A pattern close to `text`: itself, with a wildcard, or slightly off (case, one character)."""
    service, _, name = text.partition(":")
    choices = [text, text[: max(1, len(text) // 2)] + "*", "*" + text[len(text) // 2:],
               text[:-2] + "?" + text[-1:], text.upper() if ignore_case else text.replace("team", "TEAM"),
               text[:-1] + "X", f"{service}:*" if ignore_case else text.rsplit("/", 1)[0] + "/*"]
    return rng.choice(choices)


def _random_statement(rng: random.Random, effect: str, request: dict, with_principal: bool = False) -> dict:
    def pick(pool, own: str, ignore_case: bool):
        count = rng.choice([1, 1, 2])
        chosen = [(_variant(rng, own, ignore_case) if rng.random() < 0.6 else rng.choice(pool)) for _ in range(count)]
        return chosen[0] if count == 1 and rng.random() < 0.6 else chosen

    principal = None
    if with_principal:
        principal = rng.choice(["*", {"AWS": "*"}, {"AWS": request["principal"]}, {"AWS": rng.choice(_PRINCIPALS)},
                                {"AWS": rng.sample(_PRINCIPALS, 2)}])
    return _st(effect, pick(_ACTION_PATTERNS, request["action"], True),
               pick(_RESOURCE_PATTERNS, request["resource"], False), principal)


def _random_policy(rng: random.Random, deny_share: float, request: dict, with_principal: bool = False) -> dict:
    while True:  # a variant may not be a valid ARN pattern: draw again
        policy = _doc(*(_random_statement(rng, "Deny" if rng.random() < deny_share else "Allow", request, with_principal)
                        for _ in range(rng.choice([1, 1, 2, 3]))))
        if not iam.validate(policy, "resource" if with_principal else "identity"):
            return policy


def hidden_cases(count: int = 240, seed: int = 2012_10_17) -> list[tuple[dict, dict]]:
    """Deterministic random cases in the contract's format."""
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        request = {"action": rng.choice(_ACTIONS), "resource": rng.choice(_RESOURCES[:-1]),
                   "principal": rng.choice(_PRINCIPALS)}
        policies = {
            "identity": [_random_policy(rng, 0.15, request) for _ in range(rng.choice([0, 1, 1, 2]))],
            "resource": _random_policy(rng, 0.2, request, with_principal=True) if rng.random() < 0.35 else None,
            "boundary": _random_policy(rng, 0.1, request) if rng.random() < 0.3 else None,
            "scps": [_random_policy(rng, 0.1, request) for _ in range(rng.choice([0, 0, 0, 1, 2]))],
        }
        cases.append((request, policies))
    return cases


def _tricky(action: str, resource: str, pattern_action, pattern_resource) -> tuple[dict, dict]:
    return ({"action": action, "resource": resource, "principal": ALICE},
            {"identity": [_doc(_st("Allow", pattern_action, pattern_resource))], "resource": None, "boundary": None,
             "scps": []})


# Cases a near-miss matcher gets wrong: a pattern must match the whole text (not a prefix, not a substring),
# only `*` and `?` are wildcards (`.`, `+`, `(`, `$`, `[` are plain characters), actions ignore case and
# resources do not.
TRICKY: list[tuple[dict, dict]] = [
    _tricky("s3:GetObjectAcl", obj("a.txt"), "s3:GetObject", "*"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObjectAcl", "*"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:Get", "*"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", "*"),
    _tricky("s3:ListBucketVersions", f"arn:aws:s3:::{BUCKET}", "s3:ListBucket", f"arn:aws:s3:::{BUCKET}"),
    _tricky("s3:PutObjectAcl", obj("a.txt"), "s3:*Object", "*"),
    _tricky("s3:getobject", obj("a.txt"), "S3:GetObject", "*"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:get*", "*"),
    _tricky("s3:GetObject", obj("A.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a.txt"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/A.txt"),
    _tricky("s3:GetObject", obj("aXtxt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a.txt"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a.txt"),
    _tricky("s3:GetObject", obj("a.txt.bak"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a.txt"),
    _tricky("s3:GetObject", obj("x/a.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/x"),
    _tricky("s3:GetObject", obj("aa.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a+.txt"),
    _tricky("s3:GetObject", obj("a+.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/a+.txt"),
    _tricky("s3:GetObject", obj("report(1).pdf"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/report(1).pdf"),
    _tricky("s3:GetObject", obj("report1.pdf"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/report(1).pdf"),
    _tricky("s3:GetObject", obj("price$"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/price$"),
    _tricky("s3:GetObject", obj("[draft].txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/[draft].txt"),
    _tricky("s3:GetObject", obj("d.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/[draft].txt"),
    _tricky("s3:GetObject", obj("[x]"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/[!a]"),
    _tricky("s3:GetObject", obj("b"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/[!a]"),
    _tricky("s3:GetObject", obj("what?.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/what?.txt"),
    _tricky("s3:GetObject", obj("wha.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/what?.txt"),
    _tricky("s3:GetObject", obj("home/alice/2024/x.csv"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/home/*/x.csv"),
    _tricky("s3:GetObject", obj("home/alice/x.csv.gz"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/home/*/x.csv"),
    _tricky("s3:GetObject", obj("logs/2024/01/app.log"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/logs/*/*/*.log"),
    _tricky("s3:GetObject", obj("logs/2024/app.txt"), "s3:GetObject", f"arn:aws:s3:::{BUCKET}/logs/*/*.log"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", "arn:aws:s3:::team-data*a.txt"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", "arn:aws:s3:::team-data/*a.txt*"),
    _tricky("s3:GetObject", obj("a.txt"), "s3:GetObject", "arn:aws:s3:::team-dat"),
]


def compare_evaluate(ctx, cases: list[tuple[dict, dict]], label: str) -> None:
    if not ctx.learner.has("evaluate"):
        ctx.fail("evaluate(request, policies) is missing")
    wrong = []
    for request, policies in cases:
        expected, decision = expected_answer(request, policies)
        got = ctx.learner.evaluate(request, policies)
        if got != expected:
            wrong.append((request, policies, expected, got, decision))
    if not wrong:
        ctx.note(f"{len(cases)} {label} cases agree with awslab.models.iam")
        return
    lines = []
    for request, policies, expected, got, decision in wrong[:3]:
        lines.append(f"request {json.dumps(request)} with policies {json.dumps(policies)}: expected {expected!r}, "
                     f"got {got!r} ({decision.reason})")
    try:
        ctx.show(f"evaluate, {label} set: the first disagreement", render_decision(wrong[0][4], "awslab.models.iam"))
    except Exception:  # noqa: BLE001
        pass
    ctx.fail(f"{len(wrong)} of {len(cases)} {label} cases disagree with awslab.models.iam; first: " + " | ".join(lines))


@check("evaluate agrees with AWS on the README's examples", points=3,
       hint="Follow the flowchart in order: any explicit Deny; then every SCP must allow; then the resource policy; "
            "then the boundary; then the identity policies; otherwise deny.")
def evaluate_visible(ctx):
    compare_evaluate(ctx, VISIBLE, "visible")


@check("evaluate agrees with AWS on many more cases", points=4,
       hint="Actions ignore case, resources do not; '*' and '?' are wildcards in both. A resource policy must name "
            "the caller (\"*\", {\"AWS\": \"*\"} or its ARN) to count.")
def evaluate_hidden(ctx):
    compare_evaluate(ctx, hidden_cases(), "hidden")


@check("evaluate matches whole names, with only * and ? as wildcards", points=3,
       hint="A pattern must match the whole action or resource, not a prefix or a part of it; characters such as "
            "'.', '+', '(', '$' and '[' stand for themselves. Actions ignore case, resources do not.")
def evaluate_wildcards_literal(ctx):
    compare_evaluate(ctx, TRICKY, "whole-name")
