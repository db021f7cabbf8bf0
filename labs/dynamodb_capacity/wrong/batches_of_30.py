"""Wrong answer: BatchWriteItem calls of 30 requests, over the 25 AWS allows (ValidationException)."""

import random

import time

def load_items(dynamodb, table, items, max_rounds=30, base_delay=0.1, max_delay=20.0):
    written = retries = 0
    consumed = 0.0
    for start in range(0, len(items), 30):
        pending = [{"PutRequest": {"Item": item}} for item in items[start:start + 30]]
        attempt = 0
        while pending:
            if attempt:
                retries += 1
            try:
                answer = dynamodb.batch_write_item(RequestItems={table: pending}, ReturnConsumedCapacity="TOTAL")
            except dynamodb.exceptions.ProvisionedThroughputExceededException:
                unprocessed = pending
            else:
                consumed += sum(c.get("CapacityUnits", 0.0) for c in answer.get("ConsumedCapacity", []))
                unprocessed = answer.get("UnprocessedItems", {}).get(table, [])
                written += len(pending) - len(unprocessed)
            pending = unprocessed
            if pending:
                attempt += 1
                if attempt > max_rounds:
                    raise RuntimeError(f"{len(pending)} items still unprocessed after {max_rounds} retries")
                # Exponential backoff with jitter: half fixed, half random, capped.
                delay = min(max_delay, base_delay * 2 ** (attempt - 1))
                time.sleep(delay / 2 + random.uniform(0, delay / 2))
    return {"written": written, "retries": retries, "consumed_wcu": consumed}
