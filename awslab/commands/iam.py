"""`awslab iam simulate|validate`: the IAM engine's own commands.

Only the options are here: the work is in awslab.iam.cli, imported when a command runs, so that
`awslab --help` and `awslab list` do not load the IAM engine."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

app = typer.Typer(help="Evaluate and validate IAM policies the way AWS does, and say why.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="iam", help="Evaluate and validate IAM policies with awslab's own engine.")


@app.command()
def simulate(
    policy: list[Path] = typer.Option([], "--policy", "-p", help="Identity policy JSON file (repeatable)."),
    resource_policy: Optional[Path] = typer.Option(None, "--resource-policy", help="Resource-based policy JSON file."),
    boundary: Optional[Path] = typer.Option(None, "--boundary", help="Permissions boundary JSON file."),
    session_policy: Optional[Path] = typer.Option(None, "--session-policy", help="Session policy JSON file."),
    scp: list[Path] = typer.Option([], "--scp", help="SCP JSON file, one per organisation level (repeatable)."),
    rcp: list[Path] = typer.Option([], "--rcp", help="RCP JSON file, one per organisation level (repeatable)."),
    action: str = typer.Option(..., "--action", "-a", help="The action, e.g. s3:GetObject."),
    resource: str = typer.Option("*", "--resource", "-r", help="The resource ARN."),
    principal: Optional[str] = typer.Option(
        None, "--principal", help="The caller's ARN, account id, service or 'anonymous' (default: an IAM user of the resource's account)."
    ),
    resource_account: Optional[str] = typer.Option(None, "--resource-account", help="The resource's account id."),
    context: list[str] = typer.Option([], "--context", "-c", help="Context key=value (repeatable; [a,b] for lists)."),
    json_output: bool = typer.Option(False, "--json", help="Print the decision as JSON."),
) -> None:
    """Decide a request against policies and explain the decision (exit 0 allowed, 1 denied, 2 bad input)."""
    from ..iam import cli

    cli.simulate(policy, resource_policy, boundary, session_policy, scp, rcp, action, resource, principal,
                 resource_account, context, json_output)


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Policy JSON file."),
    kind: Optional[str] = typer.Option(
        None, "--kind", help="identity, resource, boundary, session, scp or rcp (default: inferred from Principal)."
    ),
) -> None:
    """List the problems of a policy, one line each: exit 0 if there are none, 2 if there are any."""
    from ..iam import cli

    cli.validate(file, kind)
