"""A flow through a VPC, hop by hop (awslab.models.vpc's Decision): the request out of the client and into
the server, the reply back, each hop with the rule that decided it."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

from ..models.vpc.protocols import port_range

_LAYER = {"route": "route", "security group": "SG", "network ACL": "NACL"}


def render_flow(decision: Any, title: str | None = None) -> Tree:
    """A tree: verdict and flow -> request hops -> reply hops, ✓/✗ with the deciding rule."""
    flow = decision.flow
    word, style = ("ALLOWED", "bold green") if decision.allowed else ("REFUSED", "bold red")
    root = Tree(Text.assemble((title + ": " if title else ""), (word, style),
                              f" · {flow.source} → {flow.destination} {flow.protocol} {flow.port}",
                              (f" (replies to port {port_range(*flow.source_ports)})", "dim")))
    refused = decision.refusal
    branches: dict[str, Tree] = {}
    for hop in decision.hops:
        if hop.stage not in branches:
            label = "request →" if hop.stage == "request" else "← reply"
            branches[hop.stage] = root.add(Text(label, style="bold"))
        mark, mark_style = ("✓", "green") if hop.allowed else ("✗", "bold red")
        line = Text.assemble((f"{mark} ", mark_style), (f"{_LAYER.get(hop.layer, hop.layer)} ", "bold"),
                             (hop.where, "dim" if hop.skipped else ""))
        if hop is refused:
            line.append("  ← refused here", style="bold red")
        node = branches[hop.stage].add(line)
        node.add(Text(hop.detail, style="dim" if hop.allowed else "red"))
    return root
