"""Wrong answer for the iam_policy lab: wildcards matched with fnmatch, which also treats `[...]` as a set
of characters."""

from fnmatch import fnmatchcase


def _like(pattern, text, ignore_case=False):
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    return fnmatchcase(text, pattern)
