"""R2.2, R2.3: which objects a rule applies to; R2.1: disabled rules do nothing."""

import pytest
from lifecycle_builders import bucket, lifecycle, marker, rule, utc, version

from awslab.models.s3_lifecycle import plan

LATER = utc(2026, 1, 1)

TAGGED = {"env": "dev", "team": "data"}

FILTER_CASES = [
    # (rule's filter part, key, size, tags, matches)
    pytest.param({"Filter": {}}, "any/key", 10, {}, True, id="R2.2-empty-filter-matches-all"),
    pytest.param({"Filter": {"Prefix": ""}}, "any/key", 10, {}, True, id="R2.2-empty-prefix-matches-all"),
    pytest.param({"Filter": {"Prefix": "logs/"}}, "logs/a", 10, {}, True, id="R2.2-prefix-match"),
    pytest.param({"Filter": {"Prefix": "logs/"}}, "log/a", 10, {}, False, id="R2.2-prefix-no-match"),
    pytest.param({"Filter": {"Prefix": "logs/"}}, "Logs/a", 10, {}, False, id="R2.2-prefix-is-case-sensitive"),
    pytest.param({"Prefix": "logs/"}, "logs/a", 10, {}, True, id="R2.2-legacy-rule-prefix"),
    pytest.param({"Filter": {"Tag": {"Key": "env", "Value": "dev"}}}, "k", 10, TAGGED, True,
                 id="R2.2-tag-match-other-tags-ignored"),
    pytest.param({"Filter": {"Tag": {"Key": "env", "Value": "prod"}}}, "k", 10, TAGGED, False,
                 id="R2.2-tag-value-must-be-equal"),
    pytest.param({"Filter": {"Tag": {"Key": "Env", "Value": "dev"}}}, "k", 10, TAGGED, False,
                 id="R2.2-tag-key-must-be-equal"),
    pytest.param({"Filter": {"Tag": {"Key": "env", "Value": "dev"}}}, "k", 10, {}, False,
                 id="R2.2-untagged-object-no-match"),
    pytest.param({"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "env", "Value": "dev"},
                                                                 {"Key": "team", "Value": "data"}]}}},
                 "logs/a", 10, TAGGED, True, id="R2.2-and-prefix-and-all-tags"),
    pytest.param({"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "env", "Value": "dev"},
                                                                 {"Key": "team", "Value": "ops"}]}}},
                 "logs/a", 10, TAGGED, False, id="R2.2-and-needs-every-tag"),
    pytest.param({"Filter": {"And": {"Prefix": "logs/", "Tags": [{"Key": "env", "Value": "dev"}]}}},
                 "data/a", 10, TAGGED, False, id="R2.2-and-needs-the-prefix"),
    pytest.param({"Filter": {"ObjectSizeGreaterThan": 100}}, "k", 101, {}, True, id="R2.3-greater-than"),
    pytest.param({"Filter": {"ObjectSizeGreaterThan": 100}}, "k", 100, {}, False,
                 id="R2.3-greater-than-is-strict"),
    pytest.param({"Filter": {"ObjectSizeLessThan": 100}}, "k", 99, {}, True, id="R2.3-less-than"),
    pytest.param({"Filter": {"ObjectSizeLessThan": 100}}, "k", 100, {}, False, id="R2.3-less-than-is-strict"),
    pytest.param({"Filter": {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 20}}}, "k", 15, {},
                 True, id="R2.3-range-inside"),
    pytest.param({"Filter": {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 20}}}, "k", 20, {},
                 False, id="R2.3-range-upper-bound-excluded"),
    pytest.param({"Filter": {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 20}}}, "k", 10, {},
                 False, id="R2.3-range-lower-bound-excluded"),
    pytest.param({"Filter": {"And": {"Prefix": "a/", "ObjectSizeGreaterThan": 10,
                                     "Tags": [{"Key": "env", "Value": "dev"}]}}},
                 "a/k", 11, TAGGED, True, id="R2.2-and-prefix-tag-size"),
]


@pytest.mark.parametrize("filter_part, key, size, tags, matches", FILTER_CASES)
def test_rule_applies_only_to_objects_its_filter_matches(filter_part, key, size, tags, matches):
    config = lifecycle({"ID": "r1", "Status": "Enabled", **filter_part, "Expiration": {"Days": 1}})
    snapshot = bucket(version(key, size=size, tags=tags))
    assert bool(plan(config, snapshot, LATER)) is matches


def test_disabled_rule_does_nothing():
    config = lifecycle(rule(status="Disabled", Expiration={"Days": 1}))
    assert plan(config, bucket(version()), LATER) == []


def test_disabled_rule_leaves_enabled_rules_working():
    config = lifecycle(rule("off", status="Disabled", Expiration={"Days": 1}),
                       rule("on", Expiration={"Days": 2}))
    assert [a.rule_id for a in plan(config, bucket(version()), LATER)] == ["on"]


def test_tag_filter_never_matches_a_delete_marker():
    config = lifecycle(rule(filter={"Tag": {"Key": "env", "Value": "dev"}},
                            NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    snapshot = bucket(marker(version_id="dm1", created=utc(2025, 1, 1, 9)),
                      version(version_id="v2", created=utc(2025, 1, 2, 9), tags={"env": "dev"}),
                      versioning="Enabled")
    assert plan(config, snapshot, LATER) == []


def test_tags_are_those_of_each_version():
    config = lifecycle(rule(filter={"Tag": {"Key": "env", "Value": "dev"}},
                            NoncurrentVersionExpiration={"NoncurrentDays": 1}))
    snapshot = bucket(version(version_id="v1", created=utc(2025, 1, 1, 9), tags={"env": "dev"}),
                      version(version_id="v2", created=utc(2025, 1, 2, 9), tags={"env": "prod"}),
                      version(version_id="v3", created=utc(2025, 1, 3, 9)),
                      versioning="Enabled")
    assert [a.version_id for a in plan(config, snapshot, LATER)] == ["v1"]
