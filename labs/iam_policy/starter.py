"""IAM policies as code. Each function returns a policy document as a Python dict.

In your workspace (awslab init), run `awslab check iam_policy` from any folder inside it to see what the grader expects.
"""


def developer_policy(bucket):
    """Each developer lists, reads, writes and deletes only under home/<their user name>/ of `bucket`."""
    return {
        "Version": "2012-10-17",
        "Statement": [],  # TODO: one policy for every developer (hint: ${aws:username})
    }


def secure_bucket_policy(bucket):
    """A bucket policy: no request without TLS, no upload without server-side encryption."""
    return {"Version": "2012-10-17", "Statement": []}  # TODO


def boundary():
    """A permissions boundary: at most S3 and SQS, only in us-east-1."""
    return {"Version": "2012-10-17", "Statement": []}  # TODO


def partner_read_policy(bucket, partner_account_id):
    """A bucket policy: the partner account's role Auditor may read (GetObject, ListBucket)."""
    return {"Version": "2012-10-17", "Statement": []}  # TODO


def evaluate(request, policies):
    """Return "Allow", "ExplicitDeny" or "ImplicitDeny" (`awslab show iam_policy` has the formats)."""
    return None  # TODO
