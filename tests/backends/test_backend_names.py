"""The backends' names are backends.BACKENDS; the places that must name them without importing the
backends (moto comes with them) name the same ones, in the same order."""

import argparse

from awslab import cli, pytest_plugin
from awslab.backends import BACKENDS
from awslab.commands import backend as backend_commands
from awslab.grading.labs import ALL_BACKENDS


def test_a_lab_that_names_no_backends_runs_on_every_backend():
    assert list(ALL_BACKENDS) == list(BACKENDS)


def test_the_cli_offers_every_backend():
    assert [name.value for name in cli.BackendName] == list(BACKENDS)


def test_the_managed_backends_are_backends():
    assert {name.value for name in backend_commands.Managed} <= set(BACKENDS)
    assert set(backend_commands.DEFAULT_PORTS) == {name.value for name in backend_commands.Managed}


def test_the_pytest_plugin_offers_every_backend():
    class Group:
        def addoption(self, *names, **options):
            self.choices = options["choices"]

    group = Group()
    parser = argparse.Namespace(getgroup=lambda name: group)
    pytest_plugin.pytest_addoption(parser)
    assert list(group.choices) == list(BACKENDS)
