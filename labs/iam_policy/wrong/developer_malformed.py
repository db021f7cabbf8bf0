"""Wrong answer for the iam_policy lab: a statement without Resource (awslab.iam refuses the policy)."""

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
            },
        ],
    }
