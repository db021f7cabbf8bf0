"""Wrong answer for the iam_policy lab: statement ids with spaces. IAM allows only letters and digits
in a Sid and refuses the policy (MalformedPolicyDocument); moto stores it. The policy's effect is
right, so only the end-to-end check, which creates it in IAM, is lost."""

def developer_policy(bucket):
    home = "home/${aws:username}/"
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "List own home",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": f"arn:aws:s3:::{bucket}",
                "Condition": {"StringLike": {"s3:prefix": [home, home + "*"]}},
            },
            {
                "Sid": "Objects in own home",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
                "Resource": f"arn:aws:s3:::{bucket}/{home}*",
            },
        ],
    }
