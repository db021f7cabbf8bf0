"""Wrong answer: The inventory filter names a key the messages do not have (eventType)."""

import json

FILTERS = {
    "inventory": {"eventType": ["OrderPlaced", "OrderCancelled"]},
    "analytics": None,  # everything
    "fraud": {"event_type": ["OrderPlaced"], "amount": [{"numeric": [">=", 1000]}]},
}
