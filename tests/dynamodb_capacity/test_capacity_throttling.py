"""Throttling of provisioned tables: rate, burst, recovery, batches, GSIs (R3.8, R5.1-R5.7)."""


from sized_items import KB, sized

from awslab.models.dynamodb_capacity import (
    CapacityMeter,
    Cost,
    TableSchema,
    Throttle,
    TokenBucket,
    put_item_cost,
    query_cost,
    update_item_cost,
    write_cost,
)

ONE_WCU = Cost("write", 1.0)


def writes_admitted(meter, table, n, cost=ONE_WCU):
    return sum(meter.admit(table, cost).admitted for _ in range(n))


# Rate (R5.1) -------------------------------------------------------------------------------


def test_fresh_table_takes_one_seconds_worth_and_throttles_the_next(meter):
    meter.provision("orders", read=5, write=5)
    assert writes_admitted(meter, "orders", 5) == 5
    admission = meter.admit("orders", ONE_WCU)
    assert not admission.admitted
    assert admission.throttles == (Throttle("orders", None, "write"),)
    assert admission.throttles[0].reason == "TableWriteProvisionedThroughputExceeded"


def test_fresh_table_starts_with_its_current_second_and_one_second_of_burst(clock):
    # The default fill: moto's aws_verified tests put an item and then an 11-WCU transaction at once on
    # a fresh 5-WCU table, and AWS accepted both (docs/dynamodb.md, issue 16).
    meter = CapacityMeter(clock)
    meter.provision("orders", read=5, write=5)
    assert writes_admitted(meter, "orders", 10) == 10
    assert not meter.admit("orders", ONE_WCU).admitted


def test_sustained_rate_is_the_provisioned_rate(meter, clock):
    # 60 WCU is 60 writes per second, not 3,600 in one second (R5.1's example, scaled down).
    meter.provision("orders", read=1, write=60)
    admitted = 0
    for _ in range(10):
        admitted += writes_admitted(meter, "orders", 100)
        clock.advance(1)
    assert admitted == 600


def test_reads_are_metered_separately_and_eventual_reads_cost_half(meter):
    meter.provision("orders", read=10, write=1)
    eventual = Cost("read", 0.5)
    assert sum(meter.admit("orders", eventual).admitted for _ in range(25)) == 20
    assert meter.admit("orders", ONE_WCU).admitted  # writes have their own bucket


def test_throttled_requests_spend_nothing(meter, clock):
    meter.provision("orders", read=1, write=2)
    writes_admitted(meter, "orders", 2)
    writes_admitted(meter, "orders", 50)  # all throttled
    clock.advance(1)
    assert writes_admitted(meter, "orders", 3) == 2


# Burst (R5.3) -------------------------------------------------------------------------------


def test_unused_capacity_accumulates_as_burst(meter, clock):
    meter.provision("orders", read=1, write=5)
    clock.advance(10)
    assert writes_admitted(meter, "orders", 100) == 5 + 10 * 5


def test_burst_is_capped_at_300_seconds_of_capacity(meter, clock):
    meter.provision("orders", read=1, write=5)
    clock.advance(3600)
    assert meter.tokens("orders", "write") == 300 * 5
    assert writes_admitted(meter, "orders", 2000) == 1500


def test_recovery_after_throttling_follows_the_rate(meter, clock):
    meter.provision("orders", read=1, write=5)
    writes_admitted(meter, "orders", 5)
    assert not meter.admit("orders", ONE_WCU).admitted
    clock.advance(0.2)  # one fifth of a second refills one unit
    assert meter.admit("orders", ONE_WCU).admitted
    assert not meter.admit("orders", ONE_WCU).admitted
    clock.advance(1)
    assert writes_admitted(meter, "orders", 10) == 5


def test_item_larger_than_a_seconds_capacity_is_admitted_and_repaid(meter, clock):
    # A 10 KB put on a 5 WCU table: admitted with one second's worth in the bucket; the debt
    # (-5) is paid back before the next write (needs 1 unit: 6/5 = 1.2 s).
    meter.provision("orders", read=1, write=5)
    big = put_item_cost(TableSchema("pk"), None, sized(10 * KB, pk="a"))
    assert big.total == 10
    assert meter.admit("orders", big).admitted
    clock.advance(1.1)
    assert not meter.admit("orders", ONE_WCU).admitted
    clock.advance(0.1)
    assert meter.admit("orders", ONE_WCU).admitted


def test_item_costing_more_than_the_whole_burst_pool_is_still_writable(clock):
    # 400 WCU item, 1 WCU table: the bucket never holds 400, AWS still accepts the item.
    bucket = TokenBucket(1, clock, initial_seconds=1)
    assert bucket.try_consume(400)
    assert bucket.tokens == -399


def test_initial_fill_is_configurable(clock):
    meter = CapacityMeter(clock, initial_seconds=0)
    meter.provision("orders", read=1, write=5)
    assert not meter.admit("orders", ONE_WCU).admitted
    clock.advance(0.2)
    assert meter.admit("orders", ONE_WCU).admitted


def test_update_table_keeps_the_balance_and_refills_at_the_new_rate(meter, clock):
    meter.provision("orders", read=1, write=5)
    writes_admitted(meter, "orders", 5)
    meter.provision("orders", read=1, write=50)
    assert meter.tokens("orders", "write") == 0
    clock.advance(1)
    assert writes_admitted(meter, "orders", 100) == 50


def test_clock_going_backwards_refills_nothing(clock):
    bucket = TokenBucket(5, clock, initial_seconds=1)
    bucket.try_consume(5)
    clock.advance(-10)
    assert bucket.tokens == 0
    assert not bucket.try_consume(1)


# Batches and transactions (R5.6, R5.7) --------------------------------------------------------


def test_batch_write_is_partly_admitted_and_the_rest_is_unprocessed(meter):
    meter.provision("orders", read=1, write=5)
    admissions = meter.admit_batch([("orders", ONE_WCU)] * 25)
    assert [a.admitted for a in admissions] == [True] * 5 + [False] * 20


def test_batch_admits_later_items_that_fit_and_other_tables(meter):
    meter.provision("small", read=1, write=2)
    meter.provision("big", read=1, write=100)
    requests = [("small", Cost("write", 3.0)), ("small", ONE_WCU), ("small", ONE_WCU), ("big", Cost("write", 50.0))]
    # 3 WCU > 2 tokens but more than one second's rate (2): admitted into debt; then nothing fits.
    assert [a.admitted for a in meter.admit_batch(requests)] == [True, False, False, True]


def test_batch_where_nothing_fits(meter):
    meter.provision("orders", read=1, write=1)
    meter.admit("orders", ONE_WCU)
    admissions = meter.admit_batch([("orders", ONE_WCU)] * 3)
    assert not any(a.admitted for a in admissions)  # the gateway raises the exception (R5.6)


def test_transaction_is_all_or_nothing(meter, clock):
    meter.provision("a", read=1, write=10)
    meter.provision("b", read=1, write=1)
    assert meter.admit("b", ONE_WCU).admitted  # b's bucket is now empty
    admission = meter.admit_transaction([("a", Cost("write", 2.0)), ("b", Cost("write", 2.0)), ("b", Cost("write", 2.0))])
    assert not admission.admitted
    assert admission.throttles == (Throttle("b", None, "write"),)
    assert meter.tokens("a", "write") == 10  # nothing was charged anywhere


# GSIs and LSIs (R3.8, R3.9, R2.7) ---------------------------------------------------------------


def test_gsi_without_capacity_throttles_the_table_write(meter, orders_schema):
    meter.provision("orders", read=100, write=100, global_indexes={"by_customer": (1, 1), "by_status": (100, 100)})
    first = put_item_cost(orders_schema, None, sized(200, pk="o1", sk="1", customer_id="c1"))
    second = put_item_cost(orders_schema, None, sized(200, pk="o2", sk="1", customer_id="c2"))
    assert meter.admit("orders", first).admitted
    admission = meter.admit("orders", second)
    assert not admission.admitted
    assert admission.throttles == (Throttle("orders", "by_customer", "write"),)
    assert admission.throttles[0].reason == "IndexWriteProvisionedThroughputExceeded"
    assert meter.tokens("orders", "write") == 99  # the table did not pay for the throttled write


def test_write_not_touching_the_starved_gsi_goes_through(meter, orders_schema):
    meter.provision("orders", read=100, write=100, global_indexes={"by_customer": (1, 0), "by_status": (1, 1)})
    not_indexed = put_item_cost(orders_schema, None, sized(200, pk="o1", sk="1"))
    assert meter.admit("orders", not_indexed).admitted


def test_gsi_read_spends_only_the_index_capacity(meter, orders_schema):
    meter.provision("orders", read=1, write=1, global_indexes={"by_status": (10, 1)})
    cost = query_cost([3 * KB] * 4, index=orders_schema.index("by_status"))  # 12 KB EC: 1.5
    assert meter.admit("orders", cost).admitted
    assert meter.tokens("orders", "read") == 1
    assert meter.tokens("orders", "read", "by_status") == 8.5


def test_lsi_write_is_paid_by_the_table(meter, orders_schema):
    meter.provision("orders", read=1, write=10, global_indexes={"by_customer": (1, 1), "by_status": (1, 1)})
    item = sized(KB, pk="o1", sk="1", created="2024")  # only the LSI by_date has its keys
    cost = write_cost(orders_schema, None, item)
    assert cost.local_indexes == {"by_date": 1.0}
    assert meter.admit("orders", cost).admitted
    assert meter.tokens("orders", "write") == 8


def test_update_charged_after_the_fact_can_overdraw(meter, orders_schema):
    # The gateway checks with an estimate, applies the update, then charges the real cost.
    meter.provision("orders", read=1, write=2)
    before = sized(KB, pk="o1", sk="1")
    estimate = update_item_cost(orders_schema, before, before)
    assert meter.throttles("orders", estimate) == ()
    meter.charge("orders", update_item_cost(orders_schema, before, sized(5 * KB, pk="o1", sk="1")))
    assert meter.tokens("orders", "write") == -3


# On-demand and unknown tables (R5.5) --------------------------------------------------------------


def test_on_demand_tables_do_not_throttle(meter):
    meter.provision("orders", read=1, write=1)
    meter.set_on_demand("orders")
    assert writes_admitted(meter, "orders", 10_000) == 10_000
    assert not meter.is_provisioned("orders")


def test_tables_the_meter_does_not_know_are_not_throttled(meter):
    assert meter.admit("unknown", Cost("write", 10_000.0)).admitted
