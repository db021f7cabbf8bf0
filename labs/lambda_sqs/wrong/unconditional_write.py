# Every delivery writes its order again: a redelivered record is processed twice.
def store(table, order):
    table.put_item(Item=order)
