"""Wrong answer: get_with_cost ignores `consistent` and always reads strongly."""

import math

import random

import time

def get_with_cost(dynamodb, table, key, consistent):
    answer = dynamodb.get_item(TableName=table, Key=key, ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    return answer.get("Item", {}), answer["ConsumedCapacity"]["CapacityUnits"]
