"""What every command shares: the consoles it prints on and the error that means "bad input".

Here rather than in awslab.cli so that a command module imports it at its top without a cycle
through the CLI that mounts it."""

from __future__ import annotations

from rich.console import Console

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # an error stays on one line at any width


class UsageError(Exception):
    """Bad input from the user: one line on stderr, exit 2."""
