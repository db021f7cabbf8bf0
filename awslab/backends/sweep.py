"""Delete every resource of an account through the AWS API: a reset for emulators without one.

Used for LocalStack's DynamoDB (clearing it inside LocalStack restarts DynamoDB Local's JVM) and,
for every service, against a LocalStack that has no state-reset route (a community Docker image
or one the user started). Only what the labs create is swept: S3 buckets (every object version
and delete marker), SQS queues, SNS topics, DynamoDB tables, IAM users, groups, roles, instance
profiles and customer-managed policies.
"""

from __future__ import annotations

from collections.abc import Callable

from ..gateway.clients import all_pages

ClientFactory = Callable[[str], object]

SWEEPERS: dict[str, Callable] = {}


def sweeper(service: str):
    def register(function):
        SWEEPERS[service] = function
        return function
    return register


def sweep(client: ClientFactory, services: list[str] | None = None) -> dict[str, int]:
    """Delete everything in `services` (default: all known); returns how many resources per service."""
    done = {}
    for service in services or list(SWEEPERS):
        done[service] = SWEEPERS[service](client(service))
    return done


@sweeper("s3")
def _s3(s3) -> int:
    count = 0
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            doomed = [{"Key": v["Key"], "VersionId": v["VersionId"]}
                      for v in page.get("Versions", []) + page.get("DeleteMarkers", [])]
            for start in range(0, len(doomed), 1000):
                s3.delete_objects(Bucket=name, Delete={"Objects": doomed[start:start + 1000], "Quiet": True})
        for upload in s3.list_multipart_uploads(Bucket=name).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])
        s3.delete_bucket(Bucket=name)
        count += 1
    return count


@sweeper("sqs")
def _sqs(sqs) -> int:
    urls = list(all_pages(sqs, "list_queues", "QueueUrls"))
    for url in urls:
        sqs.delete_queue(QueueUrl=url)
    return len(urls)


@sweeper("sns")
def _sns(sns) -> int:
    topics = [t["TopicArn"] for t in all_pages(sns, "list_topics", "Topics")]
    for subscription in all_pages(sns, "list_subscriptions", "Subscriptions"):
        if subscription["SubscriptionArn"].startswith("arn:"):
            sns.unsubscribe(SubscriptionArn=subscription["SubscriptionArn"])
    for arn in topics:
        sns.delete_topic(TopicArn=arn)
    return len(topics)


@sweeper("dynamodb")
def _dynamodb(dynamodb) -> int:
    tables = list(all_pages(dynamodb, "list_tables", "TableNames"))
    for name in tables:
        dynamodb.delete_table(TableName=name)
    return len(tables)


@sweeper("iam")
def _iam(iam) -> int:
    # What an entity holds goes first: IAM refuses to delete a user, group, role or profile that holds any.
    count = 0
    for user in all_pages(iam, "list_users", "Users"):
        _delete_user(iam, user)
        count += 1
    for group in all_pages(iam, "list_groups", "Groups"):
        _delete_group(iam, group["GroupName"])
        count += 1
    for profile in all_pages(iam, "list_instance_profiles", "InstanceProfiles"):
        for role in profile.get("Roles", []):
            iam.remove_role_from_instance_profile(InstanceProfileName=profile["InstanceProfileName"],
                                                  RoleName=role["RoleName"])
        iam.delete_instance_profile(InstanceProfileName=profile["InstanceProfileName"])
        count += 1
    for role in all_pages(iam, "list_roles", "Roles"):
        if role.get("Path", "/").startswith("/aws-service-role/"):
            continue
        _delete_role(iam, role["RoleName"])
        count += 1
    for policy in all_pages(iam, "list_policies", "Policies", Scope="Local"):
        for version in iam.list_policy_versions(PolicyArn=policy["Arn"]).get("Versions", []):
            if not version["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=policy["Arn"], VersionId=version["VersionId"])
        iam.delete_policy(PolicyArn=policy["Arn"])
        count += 1
    return count


def _delete_user(iam, user: dict) -> None:
    name = user["UserName"]
    for key in iam.list_access_keys(UserName=name).get("AccessKeyMetadata", []):
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name).get("PolicyNames", []):
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for policy in iam.list_attached_user_policies(UserName=name).get("AttachedPolicies", []):
        iam.detach_user_policy(UserName=name, PolicyArn=policy["PolicyArn"])
    for group in iam.list_groups_for_user(UserName=name).get("Groups", []):
        iam.remove_user_from_group(UserName=name, GroupName=group["GroupName"])
    try:
        iam.delete_login_profile(UserName=name)
    except iam.exceptions.NoSuchEntityException:
        pass
    if user.get("PermissionsBoundary"):
        iam.delete_user_permissions_boundary(UserName=name)
    iam.delete_user(UserName=name)


def _delete_group(iam, name: str) -> None:
    for policy in iam.list_group_policies(GroupName=name).get("PolicyNames", []):
        iam.delete_group_policy(GroupName=name, PolicyName=policy)
    for policy in iam.list_attached_group_policies(GroupName=name).get("AttachedPolicies", []):
        iam.detach_group_policy(GroupName=name, PolicyArn=policy["PolicyArn"])
    iam.delete_group(GroupName=name)


def _delete_role(iam, name: str) -> None:
    for policy in iam.list_role_policies(RoleName=name).get("PolicyNames", []):
        iam.delete_role_policy(RoleName=name, PolicyName=policy)
    for policy in iam.list_attached_role_policies(RoleName=name).get("AttachedPolicies", []):
        iam.detach_role_policy(RoleName=name, PolicyArn=policy["PolicyArn"])
    iam.delete_role(RoleName=name)


@sweeper("kms")
def _kms(kms) -> int:
    """Customer keys cannot be deleted at once: their aliases go, and each enabled key is disabled
    and scheduled for deletion after the shortest wait KMS allows (7 days)."""
    done = 0
    for alias in all_pages(kms, "list_aliases", "Aliases"):
        if not alias["AliasName"].startswith("alias/aws/"):
            kms.delete_alias(AliasName=alias["AliasName"])
            done += 1
    for key in all_pages(kms, "list_keys", "Keys"):
        metadata = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if metadata.get("KeyManager") == "CUSTOMER" and metadata.get("KeyState") not in ("PendingDeletion",):
            kms.schedule_key_deletion(KeyId=key["KeyId"], PendingWindowInDays=7)
            done += 1
    return done
