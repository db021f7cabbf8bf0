"""Wrong answer for the iam_policy lab: wildcards become a regular expression that is searched for, not
matched whole, so `s3:GetObject` also matches `s3:GetObjectAcl`."""

import re


def _like(pattern, text, ignore_case=False):
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.search(regex, text, re.IGNORECASE if ignore_case else 0) is not None
