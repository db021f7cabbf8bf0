"""Wrong answer for the iam_policy lab: evaluate compares actions case-sensitively."""

def _effects(policy, request, resource_policy=False):
    """The effects ("Allow"/"Deny") of the statements of `policy` that apply to the request."""
    found = set()
    for statement in _listed(policy.get("Statement", [])):
        if resource_policy and not _names_principal(statement.get("Principal"), request["principal"]):
            continue
        if not any(_like(a, request["action"]) for a in _listed(statement.get("Action", []))):
            continue
        if not any(_like(r, request["resource"]) for r in _listed(statement.get("Resource", "*"))):
            continue
        found.add(statement.get("Effect"))
    return found
