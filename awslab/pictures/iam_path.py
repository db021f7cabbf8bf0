"""The decision path of an IAM request: which policies were looked at, in AWS's order, which
statements applied, and which one decided (awslab.models.iam's Decision, explained element by element)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from rich.tree import Tree

_VERDICT = {"Allowed": ("ALLOWED", "bold green"), "ExplicitlyDenied": ("DENIED (explicit deny)", "bold red"),
            "ImplicitlyDenied": ("DENIED (nothing allowed it)", "bold red")}


def render_decision(decision: Any, title: str | None = None) -> Tree:
    """A tree: verdict and why → each policy → each statement (applies or not, and which element failed)."""
    request = decision.prepared
    word, style = _VERDICT.get(decision.decision, (decision.decision, "bold"))
    root = Tree(Text.assemble((title + ": " if title else ""), (word, style), f" · {decision.reason}"))
    root.add(Text(f"{request.caller.describe()} calls {request.request.action} on {request.resource}", style="dim"))
    deciding = {(r.policy, r.index) for r in decision.deciding}
    if decision.missing:
        root.add(Text("no Allow from: " + ", ".join(decision.missing), style="red"))
    for step, policy in enumerate(decision.details(), 1):
        node = root.add(Text.assemble((f"{step}. ", "dim"), (policy.title, "bold"), (f" ({policy.kind})", "dim")))
        if policy.note:
            node.add(Text(policy.note, style="dim"))
            continue
        if not policy.statements:
            node.add(Text("(no statements)", style="dim"))
        for statement in policy.statements:
            _add_statement(node, statement, deciding)
    return root


def _add_statement(node: Tree, statement: Any, deciding: set) -> None:
    """A statement: whether it applies and decided; the elements that failed (every element of the
    deciding one)."""
    ref = statement.ref
    decides = (ref.policy, ref.index) in deciding or statement.deciding
    effect_style = "green" if ref.effect == "Allow" else "red"
    label = Text.assemble(("▶ " if decides else "  "), (ref.statement, "bold" if decides else ""),
                          " [", (ref.effect, effect_style), "] ",
                          ("applies" if statement.applies else "does not apply",
                           ("bold " + effect_style) if statement.applies else "dim"))
    if decides:
        label.append("  ← decided", style="bold")
    branch = node.add(label)
    for check in statement.checks:
        if decides or not check.passed:
            branch.add(Text.assemble(("ok " if check.passed else "NO ", "green" if check.passed else "red"),
                                     (check.element, "bold"), f": {check.detail}"))


def render_denials(calls: Any, title: str = "Denied requests and why") -> Tree:
    """From the request log: each call the gateway's IAM enforcement denied (notes["iam"]), with the
    decision path as text (which statement of which policy decided, element by element)."""
    root = Tree(Text(title, style="bold"))
    denied = [c for c in calls if (c.notes or {}).get("iam", {}).get("decision", "Allowed") != "Allowed"]
    if not denied:
        root.add(Text("no request was denied", style="dim"))
        return root
    for call in denied:
        note = call.notes["iam"]
        word, style = _VERDICT.get(note.get("decision"), (note.get("decision", "?"), "bold red"))
        node = root.add(Text.assemble((f"{call.service}.{call.operation} ", "bold"), (word, style),
                                      f" · {note.get('principal', '?')} on {note.get('resource', '?')}"))
        if note.get("reason"):
            node.add(Text(note["reason"]))
        for line in (note.get("explanation") or "").splitlines()[3:]:
            if line.strip():
                node.add(Text(line.strip(), style="bold" if line.startswith(">>") else
                              ("red" if line.strip().startswith("NO") else "dim")))
    return root
