"""parse_lifecycle_xml: the body boto3 sends reads back as the dict the learner passed."""

from datetime import datetime, timezone

import botocore.session
import pytest
from botocore.serialize import create_serializer
from lifecycle_builders import lifecycle, rule

from awslab.models.s3_lifecycle import LifecycleError, parse_config, parse_lifecycle_xml


def boto3_body(config):
    model = botocore.session.get_session().get_service_model("s3")
    operation = model.operation_model("PutBucketLifecycleConfiguration")
    request = create_serializer("rest-xml").serialize_to_request(
        {"Bucket": "lab", "LifecycleConfiguration": config}, operation)
    return request["body"]


CONFIGS = [
    pytest.param(lifecycle(rule("logs", filter={"Prefix": "logs/"},
                                Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"},
                                             {"Days": 90, "StorageClass": "GLACIER"}],
                                Expiration={"Days": 365})), id="prefix-transitions-expiration"),
    pytest.param(lifecycle(rule("nc", filter={"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"},
                                                                               {"Key": "j", "Value": "w"}],
                                                      "ObjectSizeGreaterThan": 10}},
                                NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
                                NoncurrentVersionExpiration={"NoncurrentDays": 60, "NewerNoncurrentVersions": 2})),
                 id="and-filter-noncurrent"),
    pytest.param(lifecycle(rule("clean", filter={}, Expiration={"ExpiredObjectDeleteMarker": True},
                                AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})),
                 id="empty-filter-marker-abort"),
    pytest.param(lifecycle(rule("date", filter={"Tag": {"Key": "k", "Value": "v"}},
                                Expiration={"Date": datetime(2030, 1, 1, tzinfo=timezone.utc)})), id="date"),
    pytest.param(lifecycle(rule("legacy", prefix="tmp/", status="Disabled", Expiration={"Days": 1})),
                 id="legacy-prefix-disabled"),
]


@pytest.mark.parametrize("config", CONFIGS)
def test_xml_body_parses_to_the_same_rules_as_the_dict(config):
    assert parse_config(parse_lifecycle_xml(boto3_body(config))) == parse_config(config)


def test_invalid_xml_is_malformed():
    with pytest.raises(LifecycleError) as raised:
        parse_lifecycle_xml(b"<LifecycleConfiguration><Rule>")
    assert raised.value.code == "MalformedXML"
