"""Wrong answer for the iam_policy lab: not wrong: equivalent policies written differently (full marks)."""

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
                "Condition": {"StringLike": {"s3:prefix": home + "*"}},
            },
            {
                "Sid": "ObjectsInOwnHome",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{home}*",
            },
            {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": [f"arn:aws:s3:::{bucket}/{home}*"]},
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
                "Condition": {"StringEqualsIgnoreCase": {"aws:RequestedRegion": ["us-east-1"]}},
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
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            },
            {
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{partner_account_id}:role/Auditor"]},
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
            }
        ],
    }
