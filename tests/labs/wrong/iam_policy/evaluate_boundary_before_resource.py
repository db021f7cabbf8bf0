"""Wrong answer for the iam_policy lab: evaluate lets the boundary limit a resource policy that names the caller."""


def developer_policy(bucket):
    home = "home/${aws:username}/"
    return {
        "Version": "2012-10-17",  # without it, ${aws:username} is plain text
        "Statement": [
            {
                "Sid": "ListOwnHome",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [home, home + "*"]}},
            },
            {
                "Sid": "ObjectsInOwnHome",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{home}*",
            },
        ],
    }


def secure_bucket_policy(bucket):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyUnencryptedUploads",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:PutObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}},
            },
        ],
    }


def boundary():
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "S3AndSqsInUsEast1",
                "Effect": "Allow",
                "Action": ["s3:*", "sqs:*"],
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}},
            }
        ],
    }


def partner_read_policy(bucket, partner_account_id):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PartnerAuditorReads",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{partner_account_id}:role/Auditor"},
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }


# ---------------------------------------------------------------- the evaluation flowchart
def _listed(value):
    return value if isinstance(value, list) else [value]


def _like(pattern, text, ignore_case=False):
    """`*` matches any run of characters, `?` exactly one."""
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    p = t = 0
    star, mark = -1, 0
    while t < len(text):
        if p < len(pattern) and (pattern[p] == "?" or pattern[p] == text[t]):
            p, t = p + 1, t + 1
        elif p < len(pattern) and pattern[p] == "*":
            star, mark, p = p, t, p + 1
        elif star >= 0:
            p, mark = star + 1, mark + 1
            t = mark
        else:
            return False
    while p < len(pattern) and pattern[p] == "*":
        p += 1
    return p == len(pattern)


def _names_principal(principal_element, caller):
    if principal_element == "*":
        return True
    if isinstance(principal_element, dict):
        named = _listed(principal_element.get("AWS", []))
        return "*" in named or caller in named
    return False


def _effects(policy, request, resource_policy=False):
    """The effects ("Allow"/"Deny") of the statements of `policy` that apply to the request."""
    found = set()
    for statement in _listed(policy.get("Statement", [])):
        if resource_policy and not _names_principal(statement.get("Principal"), request["principal"]):
            continue
        if not any(_like(a, request["action"], ignore_case=True) for a in _listed(statement.get("Action", []))):
            continue
        if not any(_like(r, request["resource"]) for r in _listed(statement.get("Resource", "*"))):
            continue
        found.add(statement.get("Effect"))
    return found


def evaluate(request, policies):
    identity = [_effects(p, request) for p in policies.get("identity") or []]
    resource = _effects(policies["resource"], request, True) if policies.get("resource") else set()
    boundary = _effects(policies["boundary"], request) if policies.get("boundary") else None
    scps = [_effects(p, request) for p in policies.get("scps") or []]

    everything = identity + [resource] + scps + ([boundary] if boundary is not None else [])
    if any("Deny" in effects for effects in everything):
        return "ExplicitDeny"
    if any("Allow" not in effects for effects in scps):
        return "ImplicitDeny"
    if boundary is not None and "Allow" not in boundary:
        return "ImplicitDeny"
    if "Allow" in resource:
        return "Allow"
    if any("Allow" in effects for effects in identity):
        return "Allow"
    return "ImplicitDeny"
