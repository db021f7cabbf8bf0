"""R2.x, R3.x: configurations S3 rejects, with its error codes, and ones it accepts."""

from datetime import datetime, timezone

import pytest
from lifecycle_builders import lifecycle, rule

from awslab.models.s3_lifecycle import LifecycleError, parse_config, validate

REJECTED = [
    # (config, code, part of the message)
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 29, "StorageClass": "STANDARD_IA"}])),
        "InvalidArgument",
        "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
        id="R2.7-standard-ia-before-30-days",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 0, "StorageClass": "ONEZONE_IA"}])),
        "InvalidArgument",
        "for storageClass 'ONEZONE_IA'",
        id="R2.7-onezone-ia-before-30-days",
    ),
    pytest.param(
        lifecycle(rule(NoncurrentVersionTransitions=[{"NoncurrentDays": 10, "StorageClass": "STANDARD_IA"}])),
        "InvalidArgument",
        "'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30",
        id="R2.7-noncurrent-standard-ia-before-30-days",
    ),
    pytest.param(
        lifecycle(rule(Expiration={"Days": 30, "ExpiredObjectDeleteMarker": True})),
        "MalformedXML",
        "ExpiredObjectDeleteMarker cannot be specified with Days or Date",
        id="R2.4-expired-object-delete-marker-with-days",
    ),
    pytest.param(
        lifecycle(rule(Expiration={"Date": "2030-01-01T00:00:00Z", "ExpiredObjectDeleteMarker": True})),
        "MalformedXML",
        "ExpiredObjectDeleteMarker cannot be specified with Days or Date",
        id="R2.4-expired-object-delete-marker-with-date",
    ),
    pytest.param(
        lifecycle(rule(
            Transitions=[{"Days": 30, "StorageClass": "GLACIER"}],
            Expiration={"Date": "2030-01-01T00:00:00Z"},
        )),
        "InvalidRequest",
        "Found mixed 'Date' and 'Days'",
        id="R2.4-date-and-days-mixed-in-a-rule",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[
            {"Days": 30, "StorageClass": "STANDARD_IA"},
            {"Date": "2030-01-01", "StorageClass": "GLACIER"},
        ])),
        "InvalidRequest",
        "Found mixed 'Date' and 'Days' based Transition actions",
        id="R2.4-date-and-days-mixed-in-transitions",
    ),
    pytest.param(
        lifecycle(rule(filter={"Prefix": "a/"}, NoncurrentVersionExpiration={"NoncurrentDays": 1,
                                                                             "NewerNoncurrentVersions": 2}),
                  rule("legacy", prefix="b/", NoncurrentVersionExpiration={"NoncurrentDays": 1,
                                                                           "NewerNoncurrentVersions": 2})),
        "InvalidRequest",
        "NewerNoncurrentVersions",
        id="R2.6-newer-noncurrent-versions-without-filter",
    ),
    pytest.param(
        lifecycle(rule(filter={}, NoncurrentVersionExpiration={"NoncurrentDays": 1,
                                                                "NewerNoncurrentVersions": 101})),
        "InvalidArgument",
        "'NewerNoncurrentVersions' must be between 1 and 100",
        id="R2.6-newer-noncurrent-versions-above-100",
    ),
    pytest.param(
        lifecycle(rule()),
        "InvalidRequest",
        "At least one action needs to be specified in a rule",
        id="R2.9-no-actions",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[])),
        "InvalidRequest",
        "At least one action needs to be specified in a rule",
        id="R2.9-empty-transitions-are-no-action",
    ),
    pytest.param(
        lifecycle(rule(filter={"Tag": {"Key": "env", "Value": "dev"}},
                       Expiration={"ExpiredObjectDeleteMarker": True})),
        "InvalidRequest",
        "ExpiredObjectDeleteMarker cannot be specified with Tags",
        id="R2.5-tag-filter-with-expired-object-delete-marker",
    ),
    pytest.param(
        lifecycle(rule(filter={"And": {"Prefix": "a/", "Tags": [{"Key": "env", "Value": "dev"}]}},
                       AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})),
        "InvalidRequest",
        "AbortIncompleteMultipartUpload cannot be specified with Tags",
        id="R2.5-and-tag-filter-with-abort-multipart",
    ),
    pytest.param(
        lifecycle(rule(filter={"ObjectSizeGreaterThan": 10},
                       AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})),
        "InvalidRequest",
        "object size",
        id="R2.5-size-filter-with-abort-multipart-observed",
    ),
    pytest.param(
        lifecycle(rule(filter={"Prefix": "a/", "Tag": {"Key": "k", "Value": "v"}},
                       Expiration={"Days": 1})),
        "MalformedXML",
        "exactly one",
        id="R2.2-filter-with-two-conditions-outside-and",
    ),
    pytest.param(
        lifecycle(rule(filter={"And": {"Tags": [{"Key": "k", "Value": "1"}, {"Key": "k", "Value": "2"}]}},
                       Expiration={"Days": 1})),
        "InvalidRequest",
        "Duplicate Tag Keys",
        id="R2.2-duplicate-tag-keys-in-and",
    ),
    pytest.param(
        {"Rules": [{"ID": "r1", "Status": "Enabled", "Filter": {}, "Prefix": "",
                    "Expiration": {"Days": 1}}]},
        "MalformedXML",
        "not both",
        id="R2.2-filter-and-legacy-prefix-together",
    ),
    pytest.param(
        lifecycle(rule(filter={"And": {"ObjectSizeGreaterThan": 500, "ObjectSizeLessThan": 500}},
                       Expiration={"Days": 1})),
        "InvalidArgument",
        "'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan'",
        id="R2.3-size-range-empty",
    ),
    pytest.param(
        lifecycle(rule(filter={"ObjectSizeLessThan": 5 * 1024**4 + 1}, Expiration={"Days": 1})),
        "InvalidArgument",
        "5 TB",
        id="R2.3-size-above-5-tb",
    ),
    pytest.param(
        lifecycle(rule(Expiration={"Days": 0})),
        "InvalidArgument",
        "'Days' for Expiration action must be a positive integer",
        id="R1.6-expiration-days-zero",
    ),
    pytest.param(
        lifecycle(rule(NoncurrentVersionExpiration={"NoncurrentDays": 0})),
        "InvalidArgument",
        "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
        id="R1.6-noncurrent-days-zero",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": -1, "StorageClass": "GLACIER"}])),
        "InvalidArgument",
        "nonnegative",
        id="R1.6-transition-days-negative",
    ),
    pytest.param(
        lifecycle(rule(Expiration={"Date": "2030-01-01T10:00:00Z"})),
        "InvalidArgument",
        "'Date' must be at midnight GMT",
        id="R1.4-date-not-midnight",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "STANDARD"}])),
        "MalformedXML",
        "StorageClass",
        id="R2.10-no-transition-to-standard",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "REDUCED_REDUNDANCY"}])),
        "MalformedXML",
        "StorageClass",
        id="R2.10-no-transition-to-reduced-redundancy",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "GLACIER"},
                                    {"Days": 90, "StorageClass": "GLACIER"}])),
        "InvalidRequest",
        "'StorageClass' must be different",
        id="R2.8-same-storage-class-twice",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"},
                                    {"Days": 59, "StorageClass": "GLACIER"}])),
        "InvalidArgument",
        "at least 30 days more",
        id="R2.8-glacier-less-than-30-days-after-standard-ia",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "GLACIER"},
                                    {"Days": 90, "StorageClass": "STANDARD_IA"}])),
        "InvalidRequest",
        "never moves an object back up",
        id="R2.10-transitions-of-a-rule-go-down-the-waterfall",
    ),
    pytest.param(
        lifecycle(rule(Transitions=[{"Days": 90, "StorageClass": "GLACIER"}], Expiration={"Days": 90})),
        "InvalidArgument",
        "must be greater than 'Days' in the Transition action",
        id="R2.8-expiration-not-after-transition",
    ),
    pytest.param(
        lifecycle(rule(NoncurrentVersionTransitions=[{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
                       NoncurrentVersionExpiration={"NoncurrentDays": 10})),
        "InvalidArgument",
        "NoncurrentDays",
        id="R2.8-noncurrent-expiration-not-after-noncurrent-transition",
    ),
    pytest.param(
        lifecycle(rule(status="enabled", Expiration={"Days": 1})),
        "MalformedXML",
        "Status",
        id="R2.1-status-is-enabled-or-disabled",
    ),
    pytest.param(
        lifecycle(rule("x" * 256, Expiration={"Days": 1})),
        "InvalidArgument",
        "255",
        id="R2.1-rule-id-longer-than-255",
    ),
    pytest.param(
        lifecycle(rule("same", Expiration={"Days": 1}), rule("same", Expiration={"Days": 2})),
        "InvalidArgument",
        "Rule ID must be unique",
        id="R2.1-rule-ids-unique",
    ),
    pytest.param(
        lifecycle(*[rule(f"r{i}", Expiration={"Days": 1}) for i in range(1001)]),
        "MalformedXML",
        "1000",
        id="R2.1-more-than-1000-rules",
    ),
    pytest.param(
        {"Rules": []},
        "MalformedXML",
        "at least one Rule",
        id="R2.1-no-rules",
    ),
    pytest.param(
        lifecycle(rule("a", prefix="logs/", Expiration={"Days": 1}),
                  rule("b", prefix="logs/2025/", Expiration={"Days": 5})),
        "InvalidRequest",
        "Found overlapping prefixes 'logs/' and 'logs/2025/' for same action type 'Expiration'",
        id="R5.5-legacy-prefixes-overlap-for-same-action",
    ),
    pytest.param(
        lifecycle(rule(Expiration={"Days": 1}), TransitionDefaultMinimumObjectSize="all_storage_classes_64K"),
        "InvalidArgument",
        "TransitionDefaultMinimumObjectSize",
        id="R3.1-unknown-minimum-size-setting",
    ),
    pytest.param(
        lifecycle(rule(Expiration={})),
        "MalformedXML",
        "Expiration",
        id="R2.4-empty-expiration",
    ),
    pytest.param(
        {"Rules": [{"ID": "r1", "Status": "Enabled", "Expiration": {"Days": 1}}]},
        "MalformedXML",
        "Filter",
        id="R2.2-neither-filter-nor-prefix",
    ),
]


@pytest.mark.parametrize("config, code, message", REJECTED)
def test_invalid_configuration_is_rejected_with_aws_error_code(config, code, message):
    with pytest.raises(LifecycleError) as raised:
        validate(config)
    assert raised.value.code == code
    assert message in raised.value.message
    assert raised.value.http_status == 400


ACCEPTED = [
    pytest.param(lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}])),
                 id="R2.7-standard-ia-at-exactly-30-days"),
    pytest.param(lifecycle(rule(Transitions=[{"Days": 0, "StorageClass": "GLACIER"}])),
                 id="R1.6-transition-days-zero"),
    pytest.param(lifecycle(rule(Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"},
                                             {"Days": 60, "StorageClass": "GLACIER"},
                                             {"Days": 180, "StorageClass": "DEEP_ARCHIVE"}],
                                Expiration={"Days": 365})),
                 id="R2.8-tiering-ladder-then-expiration"),
    pytest.param(lifecycle(rule(Transitions=[{"Days": "30", "StorageClass": "STANDARD_IA"}],
                                Expiration={"Days": "365"})),
                 id="days-as-strings-from-xml"),
    pytest.param(lifecycle(rule(Expiration={"Date": datetime(2030, 1, 1, tzinfo=timezone.utc)})),
                 id="R1.4-date-as-datetime"),
    pytest.param(lifecycle(rule(Expiration={"Date": "2030-01-01T00:00:00.000Z"})),
                 id="R1.4-date-as-iso-string"),
    pytest.param(lifecycle(rule(filter={"And": {"Prefix": "a/", "Tags": [{"Key": "k", "Value": "v"}],
                                               "ObjectSizeGreaterThan": 1, "ObjectSizeLessThan": 10}},
                                Expiration={"Days": 1})),
                 id="R2.2-and-with-prefix-tags-and-size"),
    pytest.param(lifecycle(rule("a", filter={"Prefix": "logs/"}, Expiration={"Days": 1}),
                           rule("b", filter={"Prefix": "logs/2025/"}, Expiration={"Days": 5})),
                 id="R5.5-filter-rules-may-overlap"),
    pytest.param(lifecycle(rule(filter={"Prefix": ""}, NoncurrentVersionExpiration={
                     "NoncurrentDays": 30, "NewerNoncurrentVersions": 100})),
                 id="R2.6-newer-noncurrent-versions-with-filter"),
    pytest.param(lifecycle(rule("c", prefix="", Expiration={"ExpiredObjectDeleteMarker": True},
                                AbortIncompleteMultipartUpload={"DaysAfterInitiation": 7})),
                 id="R2.5-prefix-rule-with-marker-cleanup-and-abort"),
    pytest.param(lifecycle(rule(status="Disabled", Expiration={"Days": 1})), id="R2.1-disabled-rule"),
    pytest.param(lifecycle(rule(Expiration={"Days": 1}),
                           TransitionDefaultMinimumObjectSize="varies_by_storage_class"),
                 id="R3.2-varies-by-storage-class"),
]


@pytest.mark.parametrize("config", ACCEPTED)
def test_valid_configuration_is_accepted(config):
    validate(config)


def test_minimum_object_size_defaults_to_all_storage_classes_128k():
    assert parse_config(lifecycle(rule(Expiration={"Days": 1}))).minimum_object_size == (
        "all_storage_classes_128K"
    )


def test_whole_put_bucket_lifecycle_parameters_are_accepted():
    params = {
        "Bucket": "b",
        "LifecycleConfiguration": lifecycle(rule(Expiration={"Days": 1})),
        "TransitionDefaultMinimumObjectSize": "varies_by_storage_class",
    }
    assert parse_config(params).minimum_object_size == "varies_by_storage_class"


def test_rule_without_id_gets_a_stable_readable_one():
    config = parse_config({"Rules": [{"Status": "Enabled", "Filter": {}, "Expiration": {"Days": 1}}]})
    assert config.rules[0].id == "rule-1"
