"""`awslab iam simulate` and `awslab iam validate`: the policy engine (awslab.models.iam) for a learner at a terminal.

The engine is imported when a command runs, so that `awslab --help` and `awslab list` do not load it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.text import Text

if TYPE_CHECKING:
    from ..models.iam.explain import Decision, StatementExplanation

app = typer.Typer(help="Evaluate and validate IAM policies the way AWS does, and say why.", no_args_is_help=True)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="iam", help="Evaluate and validate IAM policies with awslab's own engine.")


class CliError(Exception):
    """A one-line problem with the command's input."""


def _console() -> Console:
    return Console(highlight=False)


def _fail(message: str, code: int = 2) -> None:
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def _read_json(path: Path, what: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CliError(f"{what} file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise CliError(f"{what} file {str(path)!r} is a directory") from None
    except (OSError, UnicodeDecodeError) as problem:
        raise CliError(f"cannot read {what} file {str(path)!r}: {problem}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as problem:
        raise CliError(f"{what} file {str(path)!r} is not valid JSON: {problem}") from None


def _context_value(text: str) -> Any:
    """`key=value`: JSON lists, numbers and booleans are read as such; anything else is a string."""
    stripped = text.strip()
    if stripped.startswith("["):
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError:
            return text
        return value
    return text


def _parse_context(items: list[str]) -> dict[str, Any]:
    context: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CliError(f"--context {item!r} must be key=value (e.g. aws:SourceIp=203.0.113.7)")
        context[key.strip()] = _context_value(value)
    return context


_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}|aws|)?:.+$")
_ACCOUNT = re.compile(r"^\d{12}$")
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$")


def _check_resource(resource: str) -> None:
    """An ARN (arn:partition:service:region:account:resource) or '*'; anything else is a typo."""
    if resource != "*" and not _ARN.match(resource):
        raise CliError(f"--resource {resource!r} is not an ARN (arn:aws:SERVICE:REGION:ACCOUNT:RESOURCE, "
                       "e.g. arn:aws:s3:::my-bucket/key) nor '*'")


def _check_action(action: str) -> None:
    """One action AWS has (AWS's catalogue, as `validate` uses): a request names no wildcard."""
    from ..models.iam.catalogue import unknown_action
    from ..models.iam.patterns import has_wildcard

    prefix, colon, name = action.partition(":")
    if not colon or not prefix or not name or has_wildcard(action) or action != action.strip():
        raise CliError(f"--action {action!r} is not one action as service:ActionName (e.g. s3:GetObject); "
                       "a request names one action, without wildcards")
    problem = unknown_action(action)
    if problem:
        raise CliError(f"--action {problem}")


def _check_principal(principal: Optional[str]) -> None:
    if principal is None or principal in ("anonymous", "*"):
        return
    if not (_ARN.match(principal) or _ACCOUNT.match(principal) or _SERVICE.match(principal)):
        raise CliError(f"--principal {principal!r} is not an ARN (arn:aws:iam::123456789012:user/bob), a 12-digit "
                       "account id, a service (lambda.amazonaws.com) or 'anonymous'")


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
    from ..models.iam.evaluate import evaluate
    from ..models.iam.policy import PolicyError
    from ..models.iam.request import Request, RequestError

    try:
        _check_action(action)
        _check_resource(resource)
        _check_principal(principal)
        decision = evaluate(
            Request(
                action=action,
                resource=resource,
                principal=principal,
                context=_parse_context(context),
                resource_account=resource_account,
            ),
            identity_policies=[_read_json(p, "policy") for p in policy],
            resource_policy=None if resource_policy is None else _read_json(resource_policy, "resource policy"),
            permission_boundary=None if boundary is None else _read_json(boundary, "boundary"),
            session_policy=None if session_policy is None else _read_json(session_policy, "session policy"),
            scps=[_read_json(p, "SCP") for p in scp] or None,
            rcps=[_read_json(p, "RCP") for p in rcp] or None,
        )
    except (CliError, RequestError) as problem:
        _fail(str(problem))
        return
    except PolicyError as problem:
        _fail(f"malformed policy: {problem}")
        return
    if json_output:
        typer.echo(json.dumps(decision.to_dict(), indent=2))
    else:
        render(decision, _console())
    raise typer.Exit(0 if decision.allowed else 1)


def render(decision: Decision, console: Console) -> None:
    """The decision for a terminal: verdict, reason, then each policy with the deciding statement highlighted."""
    from ..models.iam.evaluate import ALLOWED, EXPLICITLY_DENIED

    colour = {ALLOWED: "green", EXPLICITLY_DENIED: "red"}.get(decision.decision, "yellow")
    request = decision.prepared
    head = Text()
    head.append(decision.decision, style=f"bold {colour}")
    head.append(f"\n{decision.reason}")
    head.append(f"\n\n{request.caller.describe()} calls {request.request.action} on {request.resource}", style="dim")
    if request.caller.account or request.resource_account:
        relation = "same account" if request.same_account else "cross-account"
        head.append(
            f"\naccounts: caller {request.caller.account or '-'}, resource {request.resource_account or '-'} ({relation})",
            style="dim",
        )
    console.print(Panel(head, title="decision", border_style=colour, expand=False))
    for policy in decision.details():
        console.print(Text(f"{policy.title} ({policy.kind})", style="bold"))
        if policy.note:
            console.print(Text(f"  {policy.note}", style="dim"))
            continue
        if not policy.statements:
            console.print(Text("  (no statements)", style="dim"))
        for statement in policy.statements:
            _print_statement(statement, console)
    if decision.missing:
        console.print(Text("missing allow: " + ", ".join(decision.missing), style="yellow"))


def _print_statement(statement: StatementExplanation, console: Console) -> None:
    line = Text()
    if statement.deciding:
        effect_colour = "red" if statement.ref.effect == "Deny" else "green"
        line.append(" >> ", style=f"bold {effect_colour}")
        line.append(f"{statement.ref.statement} [{statement.ref.effect}] DECIDED", style=f"bold reverse {effect_colour}")
    else:
        line.append("    ")
        state = "applies" if statement.applies else "does not apply"
        line.append(f"{statement.ref.statement} [{statement.ref.effect}] {state}", style="" if statement.applies else "dim")
    console.print(line)
    for check in statement.checks:
        mark = Text("      ok  " if check.passed else "      no  ", style="green" if check.passed else "red")
        mark.append(f"{check.element}: ", style="bold")
        mark.append(check.detail)
        console.print(mark)


@app.command()
def validate(
    file: Path = typer.Argument(..., help="Policy JSON file."),
    kind: Optional[str] = typer.Option(
        None, "--kind", help="identity, resource, boundary, session, scp or rcp (default: inferred from Principal)."
    ),
) -> None:
    """List the problems of a policy, one `error:` line each on stderr, and exit 2 if there are any.

    Every problem `validate` finds makes the policy nonsense to AWS: a document IAM would refuse
    (not JSON, a bad Version or Effect, an element its kind cannot have) or an action AWS does not
    have (a typo, an unknown service prefix, a wildcard or a comma that matches nothing); the
    offline tools refuse nonsense with exit 2. (Exit 1 is `iam simulate`'s "denied".)"""
    from ..models.iam.policy import infer_kind, validate as validate_policy

    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        _fail(f"policy file {str(file)!r} does not exist")
        return
    except (OSError, UnicodeDecodeError) as problem:
        _fail(f"cannot read policy file {str(file)!r}: {problem}")
        return
    try:
        problems = validate_policy(text, kind, known_actions=True)
    except ValueError as problem:
        _fail(str(problem))
        return
    console = _console()
    if not problems:
        try:
            shown = kind or infer_kind(json.loads(text))
        except ValueError:
            shown = kind or "identity"
        console.print(f"[green]ok[/] {escape(str(file))}: no problems ({shown} policy)", soft_wrap=True)
        raise typer.Exit(0)
    errors = Console(stderr=True, highlight=False, soft_wrap=True)
    for found in problems:
        errors.print(f"[bold red]error:[/] {escape(str(file))}: {escape(' '.join(str(found).split()))}")
    raise typer.Exit(2)

