"""The lifecycle configuration: parsed from boto3's dict shape and validated as S3 does (R2.x, R3.x).

`parse_config` turns what the learner sent to PutBucketLifecycleConfiguration into typed rules, or
raises `LifecycleError` with the code S3 answers with. `validate` is the same check without the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .dates import parse_date
from .errors import LifecycleError
from .filter import Filter
from .storage_classes import INFREQUENT_ACCESS, TRANSITION_TARGETS, can_transition

MAX_RULES = 1000
MAX_RULE_ID_LENGTH = 255
MAX_OBJECT_SIZE = 5 * 1024**4  # 5 TB, R2.3
MAX_NEWER_NONCURRENT_VERSIONS = 100

DEFAULT_MINIMUM_OBJECT_SIZE = "all_storage_classes_128K"
MINIMUM_OBJECT_SIZE_SETTINGS = ("all_storage_classes_128K", "varies_by_storage_class")

# Transition classes in waterfall order (R2.10): used to order same-day transitions of one rule.
_WATERFALL_ORDER = (
    "STANDARD_IA",
    "INTELLIGENT_TIERING",
    "ONEZONE_IA",
    "GLACIER_IR",
    "GLACIER",
    "DEEP_ARCHIVE",
)


@dataclass(frozen=True)
class Transition:
    storage_class: str
    days: int | None = None
    date: datetime | None = None


@dataclass(frozen=True)
class Expiration:
    days: int | None = None
    date: datetime | None = None
    expired_object_delete_marker: bool = False


@dataclass(frozen=True)
class NoncurrentTransition:
    storage_class: str
    noncurrent_days: int
    newer_noncurrent_versions: int | None = None


@dataclass(frozen=True)
class NoncurrentExpiration:
    noncurrent_days: int
    newer_noncurrent_versions: int | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    enabled: bool
    filter: Filter = field(default_factory=Filter)
    uses_filter_element: bool = True  # False for the legacy rule-level Prefix
    transitions: tuple[Transition, ...] = ()
    expiration: Expiration | None = None
    noncurrent_transitions: tuple[NoncurrentTransition, ...] = ()
    noncurrent_expiration: NoncurrentExpiration | None = None
    abort_incomplete_upload_days: int | None = None


@dataclass(frozen=True)
class LifecycleConfig:
    rules: tuple[Rule, ...]
    minimum_object_size: str = DEFAULT_MINIMUM_OBJECT_SIZE

    @property
    def enabled_rules(self) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.enabled)


def validate(config: Mapping[str, Any], minimum_object_size: str | None = None) -> None:
    """Raise `LifecycleError` if S3 would reject this configuration; return None if it would accept it."""
    parse_config(config, minimum_object_size)


def as_config(config: LifecycleConfig | Mapping[str, Any]) -> LifecycleConfig:
    if isinstance(config, LifecycleConfig):
        return config
    return parse_config(config)


def parse_config(
    config: Mapping[str, Any], minimum_object_size: str | None = None
) -> LifecycleConfig:
    """Parse and validate a lifecycle configuration in boto3's shape.

    Accepts `{"Rules": [...]}` (boto3's LifecycleConfiguration) or the whole PutBucketLifecycleConfiguration
    parameters `{"Bucket": ..., "LifecycleConfiguration": {...}, "TransitionDefaultMinimumObjectSize": ...}`.
    `minimum_object_size`, when given, overrides TransitionDefaultMinimumObjectSize found in `config`.
    """
    if not isinstance(config, Mapping):
        raise _malformed("The lifecycle configuration must be a mapping with 'Rules'")
    setting = minimum_object_size or config.get("TransitionDefaultMinimumObjectSize")
    if "LifecycleConfiguration" in config:
        config = config["LifecycleConfiguration"]
        if not isinstance(config, Mapping):
            raise _malformed("LifecycleConfiguration must be a mapping with 'Rules'")
        setting = setting or config.get("TransitionDefaultMinimumObjectSize")
    setting = setting or DEFAULT_MINIMUM_OBJECT_SIZE
    if setting not in MINIMUM_OBJECT_SIZE_SETTINGS:
        raise LifecycleError(
            "InvalidArgument",
            f"Invalid TransitionDefaultMinimumObjectSize {setting!r}: expected one of "
            + ", ".join(MINIMUM_OBJECT_SIZE_SETTINGS),
        )

    raw_rules = config.get("Rules")
    if not isinstance(raw_rules, (list, tuple)) or not raw_rules:
        raise _malformed("The lifecycle configuration must contain at least one Rule")
    if len(raw_rules) > MAX_RULES:
        raise _malformed(f"A lifecycle configuration can have at most {MAX_RULES} rules")

    rules = tuple(_parse_rule(raw, index) for index, raw in enumerate(raw_rules))
    _check_unique_ids(raw_rules)
    _check_legacy_prefix_overlaps(rules)
    return LifecycleConfig(rules=rules, minimum_object_size=setting)


# --- one rule ---------------------------------------------------------------------------------


def _parse_rule(raw: Any, index: int) -> Rule:
    if not isinstance(raw, Mapping):
        raise _malformed("Each Rule must be a mapping")
    rule_id = _rule_id(raw, index)

    status = raw.get("Status")
    if status not in ("Enabled", "Disabled"):
        raise _malformed(f"Rule {rule_id!r}: Status must be 'Enabled' or 'Disabled', got {status!r}")

    rule_filter, uses_filter_element = _parse_rule_filter(raw, rule_id)

    actions = (
        "Transitions",
        "Expiration",
        "NoncurrentVersionTransitions",
        "NoncurrentVersionExpiration",
        "AbortIncompleteMultipartUpload",
    )
    if not any(raw.get(name) not in (None, [], ()) for name in actions):
        raise LifecycleError("InvalidRequest", "At least one action needs to be specified in a rule")

    transitions = tuple(_parse_transition(t) for t in _as_list(raw.get("Transitions"), "Transitions"))
    expiration = _parse_expiration(raw["Expiration"]) if "Expiration" in raw else None
    noncurrent_transitions = tuple(
        _parse_noncurrent_transition(t)
        for t in _as_list(raw.get("NoncurrentVersionTransitions"), "NoncurrentVersionTransitions")
    )
    noncurrent_expiration = (
        _parse_noncurrent_expiration(raw["NoncurrentVersionExpiration"])
        if "NoncurrentVersionExpiration" in raw
        else None
    )
    abort_days = (_parse_abort_days(raw["AbortIncompleteMultipartUpload"])
                  if "AbortIncompleteMultipartUpload" in raw else None)

    rule = Rule(
        id=rule_id,
        enabled=status == "Enabled",
        filter=rule_filter,
        uses_filter_element=uses_filter_element,
        transitions=transitions,
        expiration=expiration,
        noncurrent_transitions=noncurrent_transitions,
        noncurrent_expiration=noncurrent_expiration,
        abort_incomplete_upload_days=abort_days,
    )
    _check_rule(rule, raw)
    return rule


def _rule_id(raw: Mapping[str, Any], index: int) -> str:
    rule_id = raw.get("ID")
    if rule_id is not None and not isinstance(rule_id, str):
        raise _malformed("Rule ID must be a string")
    if rule_id and len(rule_id) > MAX_RULE_ID_LENGTH:
        raise LifecycleError(
            "InvalidArgument", f"ID length should not exceed allowed limit of {MAX_RULE_ID_LENGTH}"
        )
    # S3 invents an ID when none is given; a stable one reads better in a timeline.
    return rule_id or f"rule-{index + 1}"


def _parse_abort_days(abort: Any) -> int:
    if not isinstance(abort, Mapping) or "DaysAfterInitiation" not in abort:
        raise _malformed("AbortIncompleteMultipartUpload needs DaysAfterInitiation")
    abort_days = _integer(abort["DaysAfterInitiation"], "DaysAfterInitiation")
    if abort_days < 1:
        raise LifecycleError(
            "InvalidArgument",
            "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
        )
    return abort_days


def _parse_rule_filter(raw: Mapping[str, Any], rule_id: str) -> tuple[Filter, bool]:
    has_filter = "Filter" in raw
    has_prefix = "Prefix" in raw
    if has_filter and has_prefix:
        raise _malformed(f"Rule {rule_id!r}: use either Filter or the legacy Prefix, not both")
    if not has_filter and not has_prefix:
        # boto3: "Filter is required if the LifecycleRule does not contain a Prefix element".
        raise _malformed(f"Rule {rule_id!r}: a rule needs a Filter (or the legacy Prefix)")
    if has_prefix:
        return Filter(prefix=_string(raw["Prefix"], "Prefix")), False
    raw_filter = raw["Filter"] or {}
    _check_filter_elements(raw_filter)
    if "Prefix" in raw_filter:
        return Filter(prefix=_string(raw_filter["Prefix"], "Prefix")), True
    if "Tag" in raw_filter:
        return Filter(tags=(_parse_tag(raw_filter["Tag"]),)), True
    if "ObjectSizeGreaterThan" in raw_filter or "ObjectSizeLessThan" in raw_filter:
        return _size_filter(raw_filter, prefix="", tags=()), True
    if "And" in raw_filter:
        return _and_filter(raw_filter["And"]), True
    return Filter(), True


def _check_filter_elements(raw_filter: Any) -> None:
    """A Filter holds one known element at most; And combines several."""
    if not isinstance(raw_filter, Mapping):
        raise _malformed("Filter must be a mapping")
    known = ("Prefix", "Tag", "ObjectSizeGreaterThan", "ObjectSizeLessThan", "And")
    unknown = [name for name in raw_filter if name not in known]
    if unknown:
        raise _malformed(f"Unknown element in Filter: {unknown[0]}")
    if len(raw_filter) > 1:
        raise _malformed(
            "Filter must have exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan, "
            "or And; combine conditions with And"
        )


def _and_filter(raw_and: Any) -> Filter:
    if not isinstance(raw_and, Mapping):
        raise _malformed("And must be a mapping")
    known_and = ("Prefix", "Tags", "ObjectSizeGreaterThan", "ObjectSizeLessThan")
    unknown = [name for name in raw_and if name not in known_and]
    if unknown:
        raise _malformed(f"Unknown element in And: {unknown[0]}")
    tags = tuple(_parse_tag(tag) for tag in _as_list(raw_and.get("Tags"), "Tags"))
    keys = [key for key, _ in tags]
    if len(keys) != len(set(keys)):
        raise LifecycleError("InvalidRequest", "Duplicate Tag Keys are not allowed.")
    prefix = _string(raw_and.get("Prefix", ""), "Prefix")
    return _size_filter(raw_and, prefix=prefix, tags=tags)


def _size_filter(raw: Mapping[str, Any], *, prefix: str, tags: tuple[tuple[str, str], ...]) -> Filter:
    bounds = {}
    for name in ("ObjectSizeGreaterThan", "ObjectSizeLessThan"):
        if name in raw:
            value = _integer(raw[name], name)
            if value < 0 or value > MAX_OBJECT_SIZE:
                raise LifecycleError(
                    "InvalidArgument", f"'{name}' must be between 0 and {MAX_OBJECT_SIZE} bytes (5 TB)"
                )
            bounds[name] = value
    greater = bounds.get("ObjectSizeGreaterThan")
    less = bounds.get("ObjectSizeLessThan")
    if greater is not None and less is not None and not greater < less:
        raise LifecycleError(
            "InvalidArgument", "'ObjectSizeGreaterThan' must be less than 'ObjectSizeLessThan'"
        )
    return Filter(prefix=prefix, tags=tags, size_greater_than=greater, size_less_than=less)


def _parse_tag(raw: Any) -> tuple[str, str]:
    if not isinstance(raw, Mapping) or "Key" not in raw or "Value" not in raw:
        raise _malformed("A Tag needs both Key and Value")
    return _string(raw["Key"], "Tag Key"), _string(raw["Value"], "Tag Value")


def _parse_transition(raw: Any) -> Transition:
    if not isinstance(raw, Mapping):
        raise _malformed("Each Transition must be a mapping")
    storage_class = _storage_class(raw, "Transition")
    has_days, has_date = "Days" in raw, "Date" in raw
    if has_days and has_date:
        raise LifecycleError(
            "InvalidRequest", "Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule"
        )
    if not has_days and not has_date:
        raise _malformed("A Transition needs Days or Date")
    if has_date:
        return Transition(storage_class=storage_class, date=_midnight_date(raw["Date"]))
    days = _integer(raw["Days"], "Days")
    if days < 0:
        raise LifecycleError("InvalidArgument", "'Days' in Transition action must be nonnegative")
    if storage_class in INFREQUENT_ACCESS and days < 30:
        # R2.7: the observed wording.
        raise LifecycleError(
            "InvalidArgument",
            f"'Days' in Transition action must be greater than or equal to 30 for storageClass "
            f"'{storage_class}'",
        )
    return Transition(storage_class=storage_class, days=days)


def _parse_expiration(raw: Any) -> Expiration:
    if not isinstance(raw, Mapping) or not raw:
        raise _malformed("Expiration needs one of Days, Date or ExpiredObjectDeleteMarker")
    has_days, has_date = "Days" in raw, "Date" in raw
    has_marker = "ExpiredObjectDeleteMarker" in raw
    if has_marker and (has_days or has_date):
        # S3 refuses it as XML its schema does not allow (MalformedXML): moto answers so, and
        # LocalStack's validation, recorded against AWS, too. The message is the API reference's rule.
        raise _malformed(
            "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle "
            "Expiration Policy",
        )
    if has_days and has_date:
        raise LifecycleError(
            "InvalidRequest",
            "Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle rule",
        )
    if has_marker:
        return Expiration(expired_object_delete_marker=_boolean(raw["ExpiredObjectDeleteMarker"]))
    if has_date:
        return Expiration(date=_midnight_date(raw["Date"]))
    days = _integer(raw["Days"], "Days")
    if days < 1:
        raise LifecycleError("InvalidArgument", "'Days' for Expiration action must be a positive integer")
    return Expiration(days=days)


def _parse_noncurrent_transition(raw: Any) -> NoncurrentTransition:
    if not isinstance(raw, Mapping):
        raise _malformed("Each NoncurrentVersionTransition must be a mapping")
    storage_class = _storage_class(raw, "NoncurrentVersionTransition")
    if "NoncurrentDays" not in raw:
        raise _malformed("A NoncurrentVersionTransition needs NoncurrentDays")
    days = _integer(raw["NoncurrentDays"], "NoncurrentDays")
    if days < 0:
        raise LifecycleError(
            "InvalidArgument", "'NoncurrentDays' in NoncurrentVersionTransition action must be nonnegative"
        )
    if storage_class in INFREQUENT_ACCESS and days < 30:
        raise LifecycleError(
            "InvalidArgument",
            f"'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal "
            f"to 30 for storageClass '{storage_class}'",
        )
    return NoncurrentTransition(
        storage_class=storage_class,
        noncurrent_days=days,
        newer_noncurrent_versions=_newer_noncurrent_versions(raw),
    )


def _parse_noncurrent_expiration(raw: Any) -> NoncurrentExpiration:
    if not isinstance(raw, Mapping) or "NoncurrentDays" not in raw:
        raise _malformed("NoncurrentVersionExpiration needs NoncurrentDays")
    days = _integer(raw["NoncurrentDays"], "NoncurrentDays")
    if days < 1:
        raise LifecycleError(
            "InvalidArgument",
            "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
        )
    return NoncurrentExpiration(noncurrent_days=days, newer_noncurrent_versions=_newer_noncurrent_versions(raw))


def _newer_noncurrent_versions(raw: Mapping[str, Any]) -> int | None:
    if "NewerNoncurrentVersions" not in raw:
        return None
    value = _integer(raw["NewerNoncurrentVersions"], "NewerNoncurrentVersions")
    if not 1 <= value <= MAX_NEWER_NONCURRENT_VERSIONS:
        raise LifecycleError(
            "InvalidArgument",
            f"'NewerNoncurrentVersions' must be between 1 and {MAX_NEWER_NONCURRENT_VERSIONS}",
        )
    return value


# --- checks across the actions of one rule ------------------------------------------------------


def _check_rule(rule: Rule, raw: Mapping[str, Any]) -> None:
    _check_timing_not_mixed(rule)
    _check_key_only_filter(rule, raw)
    _check_newer_noncurrent_has_filter(rule)
    _check_transition_order(rule)


def _check_timing_not_mixed(rule: Rule) -> None:
    """R2.4: days-based and date-based timing cannot be mixed in one rule."""
    timings = {("days" if t.days is not None else "date") for t in rule.transitions}
    if len(timings) > 1:
        raise LifecycleError(
            "InvalidRequest",
            f"Found mixed 'Date' and 'Days' based Transition actions in lifecycle rule for "
            f"{_filter_description(rule)}",
        )
    expiration = rule.expiration
    if expiration is not None and timings:
        expiration_timing = "days" if expiration.days is not None else "date" if expiration.date else None
        if expiration_timing and expiration_timing not in timings:
            raise LifecycleError(
                "InvalidRequest",
                f"Found mixed 'Date' and 'Days' based Expiration and Transition actions in lifecycle "
                f"rule for {_filter_description(rule)}",
            )


def _check_key_only_filter(rule: Rule, raw: Mapping[str, Any]) -> None:
    """R2.5: ExpiredObjectDeleteMarker and AbortIncompleteMultipartUpload need a key-only filter."""
    marker_given = isinstance(raw.get("Expiration"), Mapping) and "ExpiredObjectDeleteMarker" in raw["Expiration"]
    for name, present in (
        ("ExpiredObjectDeleteMarker", marker_given),
        ("AbortIncompleteMultipartUpload", rule.abort_incomplete_upload_days is not None),
    ):
        if present and rule.filter.has_tags:
            raise LifecycleError("InvalidRequest", f"{name} cannot be specified with Tags.")
        if present and rule.filter.has_size_bounds:
            raise LifecycleError("InvalidRequest", f"{name} cannot be specified with object size filters.")


def _check_newer_noncurrent_has_filter(rule: Rule) -> None:
    """R2.6: NewerNoncurrentVersions needs the Filter element."""
    uses_newer = any(t.newer_noncurrent_versions is not None for t in rule.noncurrent_transitions) or (
        rule.noncurrent_expiration is not None
        and rule.noncurrent_expiration.newer_noncurrent_versions is not None
    )
    if uses_newer and not rule.uses_filter_element:
        raise LifecycleError(
            "InvalidRequest", "NewerNoncurrentVersions cannot be specified without a Filter element"
        )


def _check_transition_order(rule: Rule) -> None:
    """R2.8: transitions of one rule follow the waterfall, 30 days apart after an IA class, and
    expiration comes after them."""
    _check_transition_sequence(
        rule,
        [(_transition_day(t), t.storage_class) for t in rule.transitions],
        action="Transition",
        field="Days",
    )
    _check_transition_sequence(
        rule,
        [(t.noncurrent_days, t.storage_class) for t in rule.noncurrent_transitions],
        action="NoncurrentVersionTransition",
        field="NoncurrentDays",
    )
    _check_expiration_after_transitions(rule)
    _check_noncurrent_expiration_after_transitions(rule)


def _check_expiration_after_transitions(rule: Rule) -> None:
    expiration = rule.expiration
    if expiration is None or not rule.transitions:
        return
    last = max(_transition_day(t) for t in rule.transitions)
    if expiration.days is not None and not expiration.days > last:
        raise LifecycleError(
            "InvalidArgument",
            f"'Days' in the Expiration action for {_filter_description(rule)} must be greater "
            f"than 'Days' in the Transition action",
        )
    if expiration.date is not None and not _day_number(expiration.date) > last:
        raise LifecycleError(
            "InvalidArgument",
            f"'Date' in the Expiration action for {_filter_description(rule)} must be later than "
            f"'Date' in the Transition action",
        )


def _check_noncurrent_expiration_after_transitions(rule: Rule) -> None:
    if rule.noncurrent_expiration is None or not rule.noncurrent_transitions:
        return
    last = max(t.noncurrent_days for t in rule.noncurrent_transitions)
    if not rule.noncurrent_expiration.noncurrent_days > last:
        raise LifecycleError(
            "InvalidArgument",
            f"'NoncurrentDays' in the NoncurrentVersionExpiration action for "
            f"{_filter_description(rule)} must be greater than 'NoncurrentDays' in the "
            f"NoncurrentVersionTransition action",
        )


def _check_transition_sequence(
    rule: Rule, steps: list[tuple[int, str]], *, action: str, field: str
) -> None:
    classes = [storage_class for _, storage_class in steps]
    duplicates = {c for c in classes if classes.count(c) > 1}
    if duplicates:
        raise LifecycleError(
            "InvalidRequest",
            f"'StorageClass' must be different for '{action}' actions in same 'Rule' with "
            f"{_filter_description(rule)}",
        )
    ordered = sorted(steps, key=lambda step: (step[0], _WATERFALL_ORDER.index(step[1])))
    for (day_before, before), (day_after, after) in zip(ordered, ordered[1:]):
        if not can_transition(before, after):
            raise LifecycleError(
                "InvalidRequest",
                f"'{action}' to '{after}' at {field} {day_after} cannot follow the transition to "
                f"'{before}' at {field} {day_before}: lifecycle never moves an object back up",
            )
    for day_before, before in ordered:
        for day_after, after in ordered:
            if before in INFREQUENT_ACCESS and after in ("GLACIER", "DEEP_ARCHIVE"):
                if day_after - day_before < 30:
                    raise LifecycleError(
                        "InvalidArgument",
                        f"'{field}' in the {action} action for StorageClass '{after}' must be at "
                        f"least 30 days more than '{field}' in the {action} action for "
                        f"StorageClass '{before}'",
                    )


def _check_unique_ids(raw_rules: Sequence[Any]) -> None:
    seen: set[str] = set()
    for raw in raw_rules:
        rule_id = raw.get("ID")
        if not rule_id:
            continue
        if rule_id in seen:
            raise LifecycleError(
                "InvalidArgument", "Rule ID must be unique. Found same ID for more than one rule"
            )
        seen.add(rule_id)


def _check_legacy_prefix_overlaps(rules: tuple[Rule, ...]) -> None:
    """R5.5: legacy Prefix rules may not overlap for the same action type (Filter rules may)."""
    legacy = [rule for rule in rules if not rule.uses_filter_element]
    for index, first in enumerate(legacy):
        for second in legacy[index + 1 :]:
            a, b = first.filter.prefix, second.filter.prefix
            if not (a.startswith(b) or b.startswith(a)):
                continue
            shared = _action_types(first) & _action_types(second)
            if shared:
                raise LifecycleError(
                    "InvalidRequest",
                    f"Found overlapping prefixes '{a}' and '{b}' for same action type "
                    f"'{sorted(shared)[0]}'",
                )


def _action_types(rule: Rule) -> set[str]:
    types = set()
    if rule.transitions:
        types.add("Transition")
    if rule.expiration is not None:
        types.add("Expiration")
    if rule.noncurrent_transitions:
        types.add("NoncurrentVersionTransition")
    if rule.noncurrent_expiration is not None:
        types.add("NoncurrentVersionExpiration")
    if rule.abort_incomplete_upload_days is not None:
        types.add("AbortIncompleteMultipartUpload")
    return types


# --- small value parsers ------------------------------------------------------------------------


def _transition_day(transition: Transition) -> int:
    """Days, or a Date as a day number, so the two kinds order the same way."""
    if transition.days is not None:
        return transition.days
    assert transition.date is not None
    return _day_number(transition.date)


def _day_number(moment: datetime) -> int:
    return moment.toordinal()


def _filter_description(rule: Rule) -> str:
    if not rule.uses_filter_element:
        return f"prefix '{rule.filter.prefix}'"
    return f"filter '({rule.filter.describe()})'"


def _storage_class(raw: Mapping[str, Any], action: str) -> str:
    storage_class = raw.get("StorageClass")
    if storage_class not in TRANSITION_TARGETS:
        raise _malformed(
            f"{action} StorageClass must be one of {', '.join(TRANSITION_TARGETS)}, got {storage_class!r}"
        )
    return storage_class


def _midnight_date(value: Any) -> datetime:
    try:
        moment = parse_date(value)
    except (TypeError, ValueError):
        raise _malformed(f"Invalid Date {value!r}: expected ISO 8601") from None
    if (moment.hour, moment.minute, moment.second, moment.microsecond) != (0, 0, 0, 0):
        raise LifecycleError("InvalidArgument", "'Date' must be at midnight GMT")
    return moment


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool):
        raise _malformed(f"{name} must be an integer")
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise _malformed(f"{name} must be an integer, got {value!r}")


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise _malformed(f"ExpiredObjectDeleteMarker must be true or false, got {value!r}")


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise _malformed(f"{name} must be a string")
    return value


def _as_list(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, Mapping):  # one element, as a hand-written dict or an XML parse may give
        return [value]
    if not isinstance(value, (list, tuple)):
        raise _malformed(f"{name} must be a list")
    return list(value)


def _malformed(message: str) -> LifecycleError:
    return LifecycleError("MalformedXML", message)
