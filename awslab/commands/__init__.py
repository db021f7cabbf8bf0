"""Command groups of the CLI, one module each, mounted by awslab.cli (see COMMAND_MODULES there).
Each module defines `register(app: typer.Typer) -> None`."""
