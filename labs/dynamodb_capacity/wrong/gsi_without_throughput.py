"""Wrong answer: gives the GSI of a provisioned table no ProvisionedThroughput; DynamoDB refuses the
table ("ProvisionedThroughput is not specified for index: by_customer"), moto accepts it."""


def create_orders_table(dynamodb, name, rcu, wcu):
    dynamodb.create_table(
        TableName=name,
        BillingMode="PROVISIONED",
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"},
                              {"AttributeName": "customer_id", "AttributeType": "S"}],
        ProvisionedThroughput={"ReadCapacityUnits": rcu, "WriteCapacityUnits": wcu},
        GlobalSecondaryIndexes=[{
            "IndexName": "by_customer",
            "KeySchema": [{"AttributeName": "customer_id", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
    )
