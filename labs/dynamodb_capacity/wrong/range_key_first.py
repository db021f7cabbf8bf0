"""Wrong answer: lists the sort key before the partition key; DynamoDB refuses the table
("Invalid KeySchema: The first KeySchemaElement is not a HASH key type"), moto accepts it."""


def create_orders_table(dynamodb, name, rcu, wcu):
    throughput = {"ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu}
    dynamodb.create_table(
        TableName=name,
        BillingMode="PROVISIONED",
        KeySchema=[{"AttributeName": "sk", "KeyType": "RANGE"}, {"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "customer_id", "AttributeType": "S"}],
        ProvisionedThroughput=throughput,
        GlobalSecondaryIndexes=[{
            "IndexName": "by_customer",
            "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "ProvisionedThroughput": throughput,
        }],
    )
