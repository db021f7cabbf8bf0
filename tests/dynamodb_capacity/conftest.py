import pytest

from awslab.models.dynamodb_capacity import CapacityMeter, SecondaryIndex, TableSchema


class VirtualClock:
    """Seconds as a float, moved only by the test."""

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def meter(clock: VirtualClock) -> CapacityMeter:
    # A starting fill of one second (no burst): these tests count the bucket's mechanics from an
    # exact, small balance. The default fill (two seconds) has tests of its own.
    return CapacityMeter(clock, initial_seconds=1.0)


@pytest.fixture
def orders_schema() -> TableSchema:
    """orders(pk, sk) with a GSI by customer (KEYS_ONLY) and by status (ALL), an LSI by date."""
    return TableSchema(
        hash_key="pk",
        range_key="sk",
        global_indexes=(
            SecondaryIndex("by_customer", "customer_id", projection="KEYS_ONLY"),
            SecondaryIndex("by_status", "status", "created", projection="ALL"),
        ),
        local_indexes=(SecondaryIndex("by_date", "pk", "created", projection="ALL", is_global=False),),
    )
