"""The build copies the course content into the package: top-level labs/ and solutions/ stay where
they are in the repository, and an installed (non-editable) awslab finds them as awslab/bundled/
(with the project files it takes to reinstall awslab from its own source).
Everything else about the package is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CONTENT = ("labs", "solutions")
# What it takes to reinstall awslab from its own files (the Gradescope autograder does).
PROJECT_FILES = ("pyproject.toml", "README.md", "LICENSE")


def _ignore(_folder, names):
    return [n for n in names if n == "__pycache__" or n.endswith((".pyc", ".pyo"))]


class build_py_with_content(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the top-level folders in place
        for name in CONTENT:
            source = HERE / name
            if not source.is_dir():
                raise SystemExit(f"awslab build: {source} is missing (the sdist must include it)")
            target = Path(self.build_lib) / "awslab" / "bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=_ignore)
        project = Path(self.build_lib) / "awslab" / "bundled" / "project"
        project.mkdir(parents=True, exist_ok=True)
        for name in PROJECT_FILES:
            shutil.copyfile(HERE / name, project / name)


setup(cmdclass={"build_py": build_py_with_content})
