"""A REST request whose path ends in "/" is the operation whose URI it is, not an empty URI label.

botocore 1.35 (the floor in pyproject.toml) sends Lambda's CreateEventSourceMapping and
ListEventSourceMappings to `/2015-03-31/event-source-mappings/`; the gateway read the trailing slash
as GetEventSourceMapping with an empty UUID (or as nothing at all for the POST), so the simulated
event source mapping never saw the learner's mapping and lambda_sqs scored 6/18 on the lowest
allowed versions (CI's lowest-versions step).
"""

from __future__ import annotations

import json

import pytest

from awslab.gateway import HttpRequest
from awslab.gateway.aws_request import identify

AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/lambda/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0")


def _lambda(method: str, path: str, body: bytes = b"") -> HttpRequest:
    return HttpRequest(method, path, path, "", {"authorization": AUTH, "host": "localhost"}, body)


@pytest.mark.parametrize("path", ["/2015-03-31/event-source-mappings", "/2015-03-31/event-source-mappings/"])
def test_create_event_source_mapping_with_or_without_trailing_slash(path):
    body = json.dumps({"EventSourceArn": "arn:aws:sqs:us-east-1:123456789012:q", "FunctionName": "f"}).encode()
    call = identify(_lambda("POST", path, body))
    assert call is not None and call.operation == "CreateEventSourceMapping"
    assert call.params["FunctionName"] == "f"


@pytest.mark.parametrize("path", ["/2015-03-31/event-source-mappings", "/2015-03-31/event-source-mappings/"])
def test_list_event_source_mappings_with_or_without_trailing_slash(path):
    call = identify(_lambda("GET", path))
    assert call is not None and call.operation == "ListEventSourceMappings"


def test_a_uri_label_is_still_read():
    call = identify(_lambda("GET", "/2015-03-31/event-source-mappings/abc-123"))
    assert call.operation == "GetEventSourceMapping" and call.params == {"UUID": "abc-123"}
