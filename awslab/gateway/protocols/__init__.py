"""One module per AWS wire protocol: each reads a request into an operation and boto3's parameters
from botocore's service model (and writes answers in that protocol)."""
