# The "descending" misreading of rule order: the highest number first.
def _ordered(entries):
    return sorted(entries, key=lambda e: e["RuleNumber"], reverse=True)
