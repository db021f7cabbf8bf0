"""Wrong answer for the iam_policy lab: wildcards become a regular expression without escaping the rest,
so `.`, `+`, `(`, `$` and `[` in a resource act as regex syntax."""

import re


def _like(pattern, text, ignore_case=False):
    regex = pattern.replace("*", ".*").replace("?", ".")
    try:
        return re.fullmatch(regex, text, re.IGNORECASE if ignore_case else 0) is not None
    except re.error:
        return False
