"""Wrong answer for the iam_policy lab: evaluate lets the boundary limit a resource policy that names the caller."""

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
