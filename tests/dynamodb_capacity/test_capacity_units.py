"""Read and write units from sizes (R2.1, R2.3, R3.1, R3.6) and the course's worked examples."""

import pytest

from awslab.models.dynamodb_capacity import read_units, write_units

KB = 1024

READS = [
    ("course", 7 * KB, "strong", 2.0, "7 KB strongly consistent read is 2 RCU"),
    ("course", 10 * KB, "eventual", 1.5, "10 KB eventually consistent read is 1.5 RCU"),
    ("R2.1", 4 * KB, "strong", 1.0, "up to 4 KB: one RCU"),
    ("R2.1", 4 * KB + 1, "strong", 2.0, "one byte over rounds up"),
    ("R2.1", 4 * KB, "eventual", 0.5, "eventual is half"),
    ("R2.1", 4 * KB, "transactional", 2.0, "transactional is double"),
    ("R2.1", 9 * KB, "transactional", 6.0, "3 blocks, doubled"),
    ("R2.3", 0, "strong", 1.0, "a miss costs the minimum"),
    ("R2.3", 0, "eventual", 0.5, "a miss costs the minimum"),
]

WRITES = [
    ("course", 3 * KB, False, 3.0, "a 3 KB write is 3 WCU"),
    ("R3.1", 1 * KB, False, 1.0, "up to 1 KB: one WCU"),
    ("R3.1", 1 * KB + 1, False, 2.0, "rounds up to the next KB"),
    ("R3.1", 0, False, 1.0, "minimum 1"),
    ("R3.6", 500, True, 2.0, "transactional doubles"),
    ("R3.6", 2 * KB, True, 4.0, "a 2 KB item in a transaction is 4 WCU"),
]


@pytest.mark.parametrize("rule, size, consistency, expected, why", READS, ids=[f"{r[0]}-{r[4]}" for r in READS])
def test_read_units(rule, size, consistency, expected, why):
    assert read_units(size, consistency) == expected


@pytest.mark.parametrize("rule, size, tx, expected, why", WRITES, ids=[f"{r[0]}-{r[4]}" for r in WRITES])
def test_write_units(rule, size, tx, expected, why):
    assert write_units(size, transactional=tx) == expected


def test_unknown_consistency_is_rejected():
    with pytest.raises(ValueError):
        read_units(10, "linearizable")  # type: ignore[arg-type]
