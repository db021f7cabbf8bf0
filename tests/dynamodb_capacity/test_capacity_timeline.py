"""The capacity timeline a learner sees after a check."""

from rich.console import Console

from awslab.models.dynamodb_capacity import CapacityMeter, CapacityTimeline, Cost
from awslab.pictures.dynamodb_capacity import render_timeline, timeline_html

ONE_WCU = Cost("write", 1.0)


def loaded_meter(clock):
    meter = CapacityMeter(clock, initial_seconds=1.0)
    meter.provision("orders", read=2, write=5, global_indexes={"by_customer": (1, 1)})
    for _ in range(8):  # 5 admitted, 3 throttled in the first second
        meter.admit("orders", ONE_WCU)
    clock.advance(3)  # two idle seconds
    meter.admit("orders", Cost("write", 10.0))  # paid from 15 accumulated units: above provisioned
    meter.admit("orders", Cost("read", 0.5))
    return meter


def test_timeline_counts_consumed_provisioned_and_throttled_per_second(clock):
    seconds = loaded_meter(clock).timeline.seconds("orders")
    assert [s.consumed_write for s in seconds] == [5.0, 0.0, 0.0, 10.0]
    assert [s.throttled_write for s in seconds] == [3, 0, 0, 0]
    assert [s.consumed_read for s in seconds] == [0.0, 0.0, 0.0, 0.5]
    assert {s.provisioned_write for s in seconds} == {5}
    assert {s.provisioned_read for s in seconds} == {2}


def test_provisioned_follows_update_table_and_on_demand(clock):
    meter = CapacityMeter(clock, initial_seconds=1.0)
    meter.provision("t", read=1, write=1)
    meter.admit("t", ONE_WCU)
    clock.advance(1)
    meter.provision("t", read=1, write=4)
    meter.admit("t", ONE_WCU)
    clock.advance(1)
    meter.set_on_demand("t")
    meter.admit("t", ONE_WCU)
    assert [s.provisioned_write for s in meter.timeline.seconds("t")] == [1, 4, None]


def test_long_idle_stretches_are_grouped_keeping_the_peak(clock):
    meter = CapacityMeter(clock, initial_seconds=1.0)
    meter.provision("t", read=1, write=100)
    for _ in range(200):
        meter.admit("t", ONE_WCU)
        clock.advance(1)
    meter.admit("t", Cost("write", 50.0))
    text = _render(render_timeline(meter.timeline, "t", max_rows=10))
    assert "50" in text  # the spike survives grouping
    assert len([line for line in text.splitlines() if "+" in line]) <= 10


def test_terminal_chart_shows_provisioned_and_throttles(clock):
    text = _render(render_timeline(loaded_meter(clock).timeline, "orders"))
    assert "orders: write capacity per virtual second" in text
    assert "│" in text and "✗ 3" in text
    assert "+3s" in text


def test_terminal_chart_without_traffic(clock):
    assert "no traffic recorded" in _render(render_timeline(CapacityTimeline(), "nothing"))


def test_html_chart_is_self_contained_and_escaped(clock):
    meter = CapacityMeter(clock, initial_seconds=1.0)
    meter.provision("<orders>", read=1, write=1)
    meter.admit("<orders>", ONE_WCU)
    meter.admit("<orders>", ONE_WCU)
    page = timeline_html(meter.timeline, "<orders>")
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page and "http://www.w3.org/2000/svg" in page
    assert "&lt;orders&gt;" in page and "<orders>" not in page
    assert "1 throttled" in page


def _render(renderable) -> str:
    console = Console(width=120, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()
