"""Items of an exact byte size, for the tables of expected costs."""

from awslab.models.dynamodb_capacity import item_size

KB = 1024


def sized(total: int, **attrs: str) -> dict:
    """An item of exactly ``total`` bytes: string attributes ``attrs`` plus a padding string."""
    item = {name: {"S": value} for name, value in attrs.items()}
    pad = total - item_size(item) - len("pad")
    assert pad >= 0, "attributes alone exceed the requested size"
    item["pad"] = {"S": "x" * pad}
    assert item_size(item) == total
    return item
