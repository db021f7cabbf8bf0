"""`awslab lab new NAME`: a new lab's folder that keeps the contract as written, for an author to
edit. A small SQS lab (one function, two checks, one wrong answer) shows every part a lab has:

    <labs>/<name>/lab.toml, README.md, starter.py, checks.py, wrong/answers.toml, wrong/<x>.py
    <labs>/../solutions/<name>.py      (the reference solution, kept apart from what learners see)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from .labs import ALL_BACKENDS, LabError, all_labs

LAB_ID = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

LAB_TOML = '''title = "{title}"
summary = "Create an SQS queue that hides a received message for 60 s."
order = {order}
estimated_minutes = 15
backends = {backends}
functions = ["create_queue"]
services = ["sqs"]  # the AWS services the lab uses: a backend that does not serve one says so
call_timeout = 10

[hints]
create_queue = [
    "sqs.create_queue(QueueName=...) makes a queue and answers with its QueueUrl.",
    "Queue settings go in Attributes, a dict of strings: VisibilityTimeout is in seconds.",
]
'''

README = '''# {title}

A consumer that takes longer than the queue's visibility timeout sees its message delivered twice.
Write `create_queue(sqs, name)` in {name}.py: create the queue `name` with a 60 s visibility timeout
and return its URL.

Grade it with `awslab check {name} --file {name}.py`.
'''

STARTER = '''"""{name}: create a queue. Read `awslab show {name}` first.

Each function receives a boto3 SQS client (`sqs`) that already points at the local AWS.
"""


def create_queue(sqs, name):
    """Create the queue `name` with a 60 s visibility timeout. Return its URL."""
    # TODO
    return None
'''

SOLUTION = '''"""Reference solution of {name}."""


def create_queue(sqs, name):
    return sqs.create_queue(QueueName=name, Attributes={{"VisibilityTimeout": "60"}})["QueueUrl"]
'''

CHECKS = '''"""Checks of {name}. A lab's checks import only awslab.lab."""

from __future__ import annotations

from awslab.lab import check, fixture


@fixture
def created(ctx):
    # Run once per scenario and shared by the checks that use it.
    name = ctx.unique("orders")
    return name, ctx.learner.create_queue(ctx.learner_client("sqs"), name)


def _url(ctx):
    _, url = ctx.use(created)
    ctx.expect(isinstance(url, str) and url, f"create_queue() returned {{url!r}}, not a queue URL")
    return url


@check("create_queue() returns the URL of the queue it made", points=1,
       hint="create_queue's answer is a dict; the URL is under QueueUrl.")
def returns_the_queue_url(ctx):
    name, _ = ctx.use(created)
    url = _url(ctx)
    # The learner's endpoint and the grader's may differ in host: compare the queue's name.
    ctx.expect(url.rstrip("/").rsplit("/", 1)[-1] == name, f"{{url}} is not the URL of the queue {{name}}")


@check("The queue hides a received message for 60 s", points=2,
       hint="VisibilityTimeout is a queue attribute, in seconds, as a string.")
def visibility_timeout_is_60_seconds(ctx):
    url = _url(ctx)
    seen = ctx.client("sqs").get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    ctx.expect_equal(seen.get("VisibilityTimeout"), "60", "VisibilityTimeout of the queue")
'''

ANSWERS = '''# How each answer to this lab scores; `awslab lab test` grades every one.
# [solution] is the reference solution (full marks), [starter] is starter.py (every check lost);
# every other table is wrong/<name>.py, written on top of the solution: `loses` lists the checks it
# must lose (every other check must pass), `says` the words a lost check's message must hold.

[starter]
says.returns_the_queue_url = "create_queue() returned None"

[default_visibility_timeout]
loses = ["visibility_timeout_is_60_seconds"]
says.visibility_timeout_is_60_seconds = "expected '60', got '30'"
'''

WRONG = '''# A typical mistake: the queue keeps SQS's default visibility timeout (30 s).
def create_queue(sqs, name):
    return sqs.create_queue(QueueName=name)["QueueUrl"]
'''


def new_lab(name: str, labs_folder: Path, solutions_folder: Path | None = None) -> list[Path]:
    """Write a new lab `name` into `labs_folder` (its solution into `solutions_folder`, by default
    the `solutions` folder beside `labs_folder`); return the files written."""
    if not LAB_ID.match(name):
        raise LabError(f"lab name {name!r}: use lowercase letters, digits and _, starting with a letter")
    folder = labs_folder / name
    if folder.exists():
        raise LabError(f"{folder} already exists")
    solutions = solutions_folder or labs_folder.parent / "solutions"
    solution = solutions / f"{name}.py"
    if solution.exists():
        raise LabError(f"{solution} already exists")
    order = max((lab.order for lab in all_labs(labs_folder)), default=0) + 1
    title = name.replace("_", " ").capitalize()
    files = {
        folder / "lab.toml": LAB_TOML.format(title=title, order=order, backends=json.dumps(list(ALL_BACKENDS))),
        folder / "README.md": README.format(title=title, name=name),
        folder / "starter.py": STARTER.format(name=name),
        folder / "checks.py": CHECKS.format(name=name),
        folder / "wrong" / "answers.toml": ANSWERS,
        folder / "wrong" / "default_visibility_timeout.py": WRONG,
        solution: SOLUTION.format(name=name),
    }
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
    except OSError as exc:
        raise LabError(f"cannot write the lab: {exc}") from exc
    return list(files)
