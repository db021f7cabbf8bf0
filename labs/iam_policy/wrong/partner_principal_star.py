"""Wrong answer for the iam_policy lab: the partner policy lets everyone (Principal "*") read."""

def partner_read_policy(bucket, partner_account_id):
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PartnerAuditorReads",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }
