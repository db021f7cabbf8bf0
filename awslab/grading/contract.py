"""The contract every lab keeps, built-in or from a pack (rustlings' `dev check` is the model).

- Its content holds together: a unique `order`; every function in lab.toml has hints and is
  defined in the starter and in the reference solution; every check has a title and a hint;
  every wrong answer has a table in `wrong/answers.toml` and every table a file.
- Answers score as the lab says they do: the reference solution earns full marks, the starter
  loses every check, and each wrong answer loses exactly the checks its table names, with the
  words its table quotes in their messages.

`wrong/answers.toml` is data beside the lab:

    [solution]                    # solutions/<lab>.py: full marks
    virtual_seconds_at_least = 300
    pictures = ["Message lives"]  # words of a picture's title the report must show

    [starter]                     # starter.py: every check lost
    says.creates_both_queues = "create_queues() returned None"

    [short_polling]               # wrong/short_polling.py, written on top of the solution
    loses = ["consumer_long_polls"]
    says.consumer_long_polls = "short polling"      # words of the lost check's message
    notes.other_check = ["..."]                     # words of a check's details

A wrong answer file holds only what differs from the reference solution: the file graded is the
solution with the wrong answer's definitions after it (so they replace the solution's own).
`awslab lab test` and the project's tests (tests/labs/test_lab_contract.py) both use this module.
"""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .labs import Lab, LabError
from .results import PASSED, LabResult

SOLUTION, STARTER = "solution", "starter"
MANIFEST = "answers.toml"


@dataclass
class Answer:
    """One file the contract grades, and what it must score."""

    name: str  # "solution", "starter" or a wrong answer's name
    path: Path  # the lab's own file, or wrong/<name>.py (composed on top of the solution)
    loses: set[str] | None = None  # the checks it must lose; None: every check (the starter)
    says: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    virtual_seconds_at_least: float = 0.0
    pictures: list[str] = field(default_factory=list)

    @property
    def wrong(self) -> bool:
        return self.name not in (SOLUTION, STARTER)

    @property
    def label(self) -> str:
        return f"wrong/{self.name}" if self.wrong else self.name


def _words(value, where: str) -> list[str]:
    words = [value] if isinstance(value, str) else value
    if not isinstance(words, list) or not all(isinstance(w, str) and w for w in words):
        raise LabError(f"{where}: expected a text or a list of texts, got {value!r}")
    return words


def _answer(name: str, path: Path, table: dict, where: str) -> Answer:
    unknown = set(table) - {"loses", "says", "notes", "virtual_seconds_at_least", "pictures"}
    if unknown:
        raise LabError(f"{where}: unknown keys {sorted(unknown)}")
    loses = table.get("loses")
    if name == SOLUTION:
        loses = set()
    elif name == STARTER:
        loses = None
    elif not isinstance(loses, list):
        raise LabError(f"{where}: `loses` must list the checks this wrong answer loses ([] for none)")
    else:
        loses = set(loses)
    says = {check: _words(words, f"{where} says.{check}") for check, words in table.get("says", {}).items()}
    notes = {check: _words(words, f"{where} notes.{check}") for check, words in table.get("notes", {}).items()}
    return Answer(name=name, path=path, loses=loses, says=says, notes=notes,
                  virtual_seconds_at_least=float(table.get("virtual_seconds_at_least", 0)),
                  pictures=_words(table.get("pictures", []), f"{where} pictures"))


def answers(lab: Lab) -> list[Answer]:
    """The solution, the starter and every wrong answer of the lab, with what each must score."""
    folder = lab.wrong_dir
    manifest = folder / MANIFEST
    tables: dict = {}
    if manifest.is_file():
        try:
            tables = tomllib.loads(manifest.read_text())
        except tomllib.TOMLDecodeError as exc:
            raise LabError(f"lab {lab.id}: cannot read {manifest}: {exc}") from exc
    found = [_answer(SOLUTION, lab.solution, tables.get(SOLUTION, {}), f"{manifest} [{SOLUTION}]"),
             _answer(STARTER, lab.starter, tables.get(STARTER, {}), f"{manifest} [{STARTER}]")]
    for name in sorted(set(tables) - {SOLUTION, STARTER}):
        found.append(_answer(name, folder / f"{name}.py", tables[name], f"{manifest} [{name}]"))
    return found


def compose(lab: Lab, answer: Answer, directory: Path) -> Path:
    """The file a learner would hand in for `answer`: the lab's own file, or the solution with
    the wrong answer's definitions after it."""
    if not answer.wrong:
        return answer.path
    override = "".join(line for line in answer.path.read_text().splitlines(keepends=True)
                       if not line.startswith("from __future__ import"))
    path = Path(directory) / f"{answer.name}.py"
    path.write_text(f"{lab.solution.read_text()}\n\n# --- the wrong answer: wrong/{answer.name}.py ---\n{override}")
    return path


# -- the lab's content ------------------------------------------------------------------------------
def _defined_functions(path: Path) -> set[str] | None:
    try:
        tree = ast.parse(path.read_text(), filename=str(path))
    except (OSError, SyntaxError):
        return None
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))}


def content_problems(lab: Lab, others: Sequence[Lab] = ()) -> list[str]:
    """What breaks the contract in the lab's files, before anything is graded."""
    problems = _metadata_problems(lab, others) + _hint_problems(lab) + _definition_problems(lab)
    try:
        checks = lab.checks
    except Exception as exc:  # noqa: BLE001 - a broken checks.py is the lab's problem to report
        return problems + [f"checks.py does not load: {type(exc).__name__}: {exc}"]
    for c in checks:
        if not c.title.strip() or not c.hint.strip():
            problems.append(f"check {c.name} needs a title and a hint")
    try:
        table = answers(lab)
    except LabError as exc:
        return problems + [str(exc)]
    return problems + _answer_table_problems(lab, table, {c.name for c in checks})


def _metadata_problems(lab: Lab, others: Sequence[Lab]) -> list[str]:
    problems = []
    for other in others:
        if other.id != lab.id and other.order == lab.order:
            problems.append(f"order {lab.order} is also lab {other.id}'s ({other.folder}): each lab needs its own")
    if not lab.readme.is_file():
        problems.append("README.md is missing")
    if not lab.functions:
        problems.append("lab.toml lists no functions")
    if not lab.services:
        problems.append('lab.toml lists no services (the AWS services the lab uses, e.g. services = ["sqs"])')
    unknown_services = sorted(set(lab.services) - _aws_services())
    if unknown_services:
        problems.append(f"lab.toml services names what is no AWS service of boto3: {', '.join(unknown_services)}")
    return problems


def _hint_problems(lab: Lab) -> list[str]:
    problems = []
    for function in lab.functions:
        hints = lab.hints.get(function)
        if not hints or not all(isinstance(h, str) and h.strip() for h in hints):
            problems.append(f"function {function}() has no hints in lab.toml [hints]")
    for unknown in sorted(set(lab.hints) - set(lab.functions)):
        problems.append(f"[hints] {unknown} names no function of lab.toml's `functions`")
    return problems


def _definition_problems(lab: Lab) -> list[str]:
    """The starter and the reference solution each define every function lab.toml lists."""
    problems = []
    for what, path in (("the starter", lab.starter), ("the reference solution", lab.solution)):
        defined = _defined_functions(path)
        if defined is None:
            problems.append(f"{what} ({path}) is missing or does not parse")
            continue
        for function in lab.functions:
            if function not in defined:
                problems.append(f"{what} ({path.name}) does not define {function}()")
    return problems


def _answer_table_problems(lab: Lab, table: list[Answer], names: set[str]) -> list[str]:
    """Each wrong answer has a file and a table, and names only checks that checks.py defines."""
    problems = []
    folder = lab.wrong_dir
    files = {p.stem for p in folder.glob("*.py")} if folder.is_dir() else set()
    listed = {a.name for a in table if a.wrong}
    for name in sorted(files - listed):
        problems.append(f"wrong/{name}.py has no table in wrong/{MANIFEST} (which checks does it lose?)")
    for answer in table:
        if answer.wrong and not answer.path.is_file():
            problems.append(f"wrong/{MANIFEST} [{answer.name}] has no file wrong/{answer.name}.py")
        named = (answer.loses or set()) | set(answer.says) | set(answer.notes)
        for check_name in sorted(named - names):
            problems.append(f"{answer.label}: names check {check_name}, which checks.py does not define")
        if answer.loses is not None:
            for check_name in sorted(set(answer.says) - answer.loses):
                problems.append(f"{answer.label}: says.{check_name} quotes the message of a check it does not lose")
    return problems


def _aws_services() -> set[str]:
    import botocore.session

    return set(botocore.session.get_session().get_available_services())


def service_problems(lab: Lab, aws) -> list[str]:
    """Services the last grading called (learner and grader, from the request log) that the lab's
    lab.toml does not list: a backend would not know to serve them."""
    called = {call.service for call in aws.log.calls(source=None)}
    return [f"the grading called {service}, which lab.toml's services do not list"
            for service in sorted(called - set(lab.services))]


# -- what an answer scored ----------------------------------------------------------------------------
def score_problems(lab: Lab, answer: Answer, result: LabResult, *, allow_not_applicable: bool = False) -> list[str]:
    """How `result` (the grading of `answer`) differs from what the lab says it scores.

    `allow_not_applicable`: on a backend that lacks features (LocalStack), a check reported not
    applicable is neither lost nor kept."""
    if result.load_error:
        return [f"{answer.label} did not load: {result.load_error}"]
    problems = _lost_and_kept_problems(answer, result, allow_not_applicable)
    problems += _wording_problems(answer, result, allow_not_applicable)
    if answer.name == SOLUTION and result.score != result.max_score:
        problems.append(f"the reference solution scored {result.score} of {result.max_score}")
    if result.virtual_seconds < answer.virtual_seconds_at_least:
        problems.append(f"{answer.label} covered {result.virtual_seconds:.0f} s of virtual time; the lab says "
                        f"at least {answer.virtual_seconds_at_least:.0f} s")
    titles = [title for title, _ in result.pictures]
    for wanted in answer.pictures:
        if not any(wanted in title for title in titles):
            problems.append(f"{answer.label}: no picture titled with {wanted!r} (pictures: {titles})")
    return problems


def _lost(c, allow_not_applicable: bool) -> bool:
    return c.status != PASSED and not (allow_not_applicable and c.status == "not_applicable")


def _lost_and_kept_problems(answer: Answer, result: LabResult, allow_not_applicable: bool) -> list[str]:
    """The answer loses exactly the checks its table says, each with a message and a hint."""
    problems = []
    must_lose = {c.name for c in result.checks} if answer.loses is None else answer.loses
    for c in result.checks:
        if allow_not_applicable and c.status == "not_applicable":
            continue
        lost = _lost(c, allow_not_applicable)
        if c.name in must_lose and not lost:
            problems.append(f"{answer.label} should lose {c.name}, and passed it")
        elif c.name not in must_lose and lost:
            problems.append(f"{answer.label} should pass {c.name}, and lost it ({c.status}): {c.message}")
        elif lost and not (c.message.strip() and c.hint.strip()):
            problems.append(f"{answer.label} lost {c.name} without a message and a hint to show")
    return problems


def _wording_problems(answer: Answer, result: LabResult, allow_not_applicable: bool) -> list[str]:
    """The words the table's `says` and `notes` expect in a lost check's message and in its details."""
    problems = []
    by_name = {c.name: c for c in result.checks}
    for check_name, words in answer.says.items():
        said = by_name.get(check_name)
        for text in words:
            if said is not None and _lost(said, allow_not_applicable) and text not in said.message:
                problems.append(f"{answer.label}: the message of {check_name} should say {text!r}; it says "
                                f"{said.message!r}")
    for check_name, words in answer.notes.items():
        noted = by_name.get(check_name)
        for text in words:
            if noted is not None and not any(text in detail for detail in noted.details):
                problems.append(f"{answer.label}: the details of {check_name} should say {text!r}; they say "
                                f"{noted.details!r}")
    return problems


# -- the whole contract, for `awslab lab test` -------------------------------------------------------
def run_contract(lab: Lab, aws, directory: Path, others: Sequence[Lab] = ()):
    """Yield (what, problems) for the lab's content, then for each answer graded on `aws`."""
    from .runner import grade_submission

    problems = content_problems(lab, others)
    yield "content", problems
    if problems:
        return  # grading a lab whose files do not hold together says nothing more
    for answer in answers(lab):
        result = grade_submission(lab, compose(lab, answer, directory), aws)
        problems = score_problems(lab, answer, result, allow_not_applicable=aws.backend.name == "localstack")
        if answer.name == SOLUTION:
            problems += service_problems(lab, aws)
        yield f"{answer.label} ({result.score}/{result.max_score})", problems
