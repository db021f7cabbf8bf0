"""Wrong answer: The fraud filter compares amount as a string literal."""

import json

FILTERS = {
    "inventory": {"event_type": ["OrderPlaced", "OrderCancelled"]},
    "analytics": None,  # everything
    "fraud": {"event_type": ["OrderPlaced"], "amount": ["1000"]},
}
