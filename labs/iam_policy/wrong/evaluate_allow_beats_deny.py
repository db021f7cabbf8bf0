"""Wrong answer for the iam_policy lab: evaluate lets an Allow win over an explicit Deny."""

def evaluate(request, policies):
    identity = [_effects(p, request) for p in policies.get("identity") or []]
    resource = _effects(policies["resource"], request, True) if policies.get("resource") else set()
    boundary = _effects(policies["boundary"], request) if policies.get("boundary") else None
    scps = [_effects(p, request) for p in policies.get("scps") or []]

    everything = identity + [resource] + scps + ([boundary] if boundary is not None else [])
    if any("Allow" in effects for effects in identity) or "Allow" in resource:
        return "Allow"
    if any("Deny" in effects for effects in everything):
        return "ExplicitDeny"
    if any("Allow" not in effects for effects in scps):
        return "ImplicitDeny"
    if "Allow" in resource:
        return "Allow"
    if boundary is not None and "Allow" not in boundary:
        return "ImplicitDeny"
    if any("Allow" in effects for effects in identity):
        return "Allow"
    return "ImplicitDeny"
