"""`awslab iam ...`: the IAM engine's own commands live in awslab.iam.cli once it exists."""

try:
    from .iam.cli import app
except ImportError:  # the IAM engine is not there yet
    import typer

    app = typer.Typer(help="IAM policy tools (not available in this build).")
