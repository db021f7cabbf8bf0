"""Wrong answer for the iam_policy lab: a pattern matches any text that begins with it, so `s3:GetObject`
also grants `s3:GetObjectAcl` and `.../a.txt` also `.../a.txt.bak`."""


def _like(pattern, text, ignore_case=False):
    if ignore_case:
        pattern, text = pattern.lower(), text.lower()
    head = pattern.split("*", 1)[0]
    if "*" not in pattern:
        return len(text) >= len(pattern) and all(p in ("?", t) for p, t in zip(pattern, text))
    return text.startswith(head)
