"""Protocols and ports as the EC2 API writes them, and the ephemeral ranges clients answer on.

NACL entries name a protocol by number ("6", "17", "-1" for all); security group rules by name or
number ("tcp", "6", "-1"). Both are read into one number here. Ephemeral ranges:
https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
"""

from __future__ import annotations

ALL = -1
TCP, UDP, ICMP = 6, 17, 1
_NAMES = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "all": ALL, "-1": ALL}
NAMES = {TCP: "tcp", UDP: "udp", ICMP: "icmp", ALL: "all"}
FULL = (0, 65535)

# The client picks the port a reply goes back to; AWS lists these ranges (nacl-ephemeral-ports.html).
EPHEMERAL: dict[str, tuple[int, int]] = {
    "linux": (32768, 61000),         # many Linux kernels, the Amazon Linux kernel included
    "windows": (49152, 65535),       # Windows Server 2008 and later
    "windows-2003": (1025, 5000),    # Windows through Windows Server 2003
    "nat-gateway": (1024, 65535),
    "elb": (1024, 65535),            # requests from Elastic Load Balancing
    "lambda": (1024, 65535),
}
ANY_CLIENT = (1024, 65535)  # what covers every client above: AWS's own advice for public-facing subnets


class FlowError(ValueError):
    """A flow or a description the model cannot read (one line, for the learner)."""


def protocol_number(value: object) -> int:
    """"tcp", "6", 6, "-1", "all" -> 6, 6, 6, -1, -1."""
    text = str(value).strip().lower()
    if text in _NAMES:
        return _NAMES[text]
    try:
        number = int(text)
    except ValueError:
        raise FlowError(f"unknown protocol {value!r} (use tcp, udp, a protocol number or -1)") from None
    if not -1 <= number <= 255:
        raise FlowError(f"protocol number {number} is not between 0 and 255 (or -1 for all)")
    return number


def protocol_name(number: int) -> str:
    return NAMES.get(number, str(number))


def port_range(low: int, high: int) -> str:
    """AWS's way of writing a range: 443, 1024-65535, all."""
    if (low, high) == FULL:
        return "all"
    return str(low) if low == high else f"{low}-{high}"
