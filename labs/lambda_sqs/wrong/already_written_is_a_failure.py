# The conditional write, but its ConditionalCheckFailedException reported as the record's failure: a
# redelivered record, already processed, is retried until the DLQ takes a good order.
def store(table, order):
    table.put_item(Item=order, ConditionExpression="attribute_not_exists(order_id)")
