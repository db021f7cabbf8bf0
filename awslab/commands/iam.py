"""`awslab iam simulate|validate`: the IAM engine's own commands (awslab.iam.cli)."""

import typer


def register(app: typer.Typer) -> None:
    from ..iam.cli import app as iam_app

    app.add_typer(iam_app, name="iam", help="Evaluate and validate IAM policies with awslab's own engine.")
