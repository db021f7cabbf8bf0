"""What students and the gradebook show holds nothing of the machine that graded: no emulator id
(S3 version and upload ids, message and request ids), no port of the local endpoint, no path of
the grader's machine (awslab's folder, the virtualenv, the Python installation, the home, the
worker's temporary folders), no token or key of the grader's, no secret of the instructor's; and
it stays useful (the ids are numbered, the failed check still says what happened)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from .conftest import FIXTURES, ROOT, SECRETS

UUID = re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")
PORT = re.compile(r"(127\.0\.0\.1|localhost):\d+")
WORKER_TEMP = re.compile(r"/tmp/awslab-(submission|learner|runner)-\w")
TOKEN = re.compile(r"\b[0-9a-f]{32}\b")  # the gateway's internal token is 32 hex digits

# double() prints its working directory, its file's path and the endpoint, and raises with the
# endpoint in the message: all of it reaches the results (the check's output, its message).
LEAKY = (FIXTURES / "solutions" / "tiny_lab.py").read_text().replace("def double(x):\n    return 2 * x", """\
import os


def double(x):
    print("working in", os.getcwd(), "file", __file__, "endpoint", os.environ.get("AWS_ENDPOINT_URL"))
    raise RuntimeError("cannot reach " + str(os.environ.get("AWS_ENDPOINT_URL")) + " from " + os.getcwd())""")


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """A class graded once (s3_versioning's wrong answer with version and upload ids in its
    pictures; a tiny_lab file printing paths and raising with the endpoint), and every output
    made from it: gradebook CSV, checks JSON, feedback, HTML report, Gradescope, GitHub Classroom."""
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.classroom.github import reporter_result
    from awslab.classroom.gradebook import write_outputs
    from awslab.classroom.gradescope import results_json
    from awslab.classroom.report_html import render_report
    from awslab.grading.labs import load_lab

    tmp = tmp_path_factory.mktemp("outputs")
    labs = [load_lab(ROOT / "labs" / "s3_versioning"), load_lab(FIXTURES / "labs" / "tiny_lab")]
    folder = tmp / "class"
    (folder / "versions").mkdir(parents=True)
    (folder / "versions" / "s3_versioning.py").write_text(
        (ROOT / "labs" / "s3_versioning" / "wrong" / "expiration_instead_of_noncurrent.py").read_text())
    (folder / "leaky").mkdir()
    (folder / "leaky" / "tiny_lab.py").write_text(LEAKY)
    with pytest.MonkeyPatch.context() as patch:
        for key, value in SECRETS.items():
            patch.setenv(key, value)  # the instructor's secrets are in the driver's environment
        run = grade_class(find_students(folder), labs, tmp / "gradebook.state", Settings(timeout=60, jobs=2),
                          hide=[folder])
    out = tmp / "gradebook.csv"
    write_outputs(run.records, labs, out, "csv")
    texts = {"gradebook.csv": out.read_text(), "gradebook.checks.json": out.with_suffix(".checks.json").read_text()}
    for feedback in sorted((tmp / "gradebook.feedback").iterdir()):
        texts[f"feedback/{feedback.name}"] = feedback.read_text()
    texts["report.html"] = render_report(run.records, labs, isolation=run.isolation.level)
    for student in ("versions", "leaky"):
        mine = {lab.id: run.records[(student, lab.id)] for lab in labs}
        texts[f"gradescope/{student}"] = json.dumps(results_json(mine, labs))
        texts[f"github/{student}"] = json.dumps(reporter_result(mine, labs))
    raw = json.dumps([record["result"] for record in run.records.values()])
    return texts, raw, tmp


def test_the_graded_results_did_hold_ids_ports_and_paths(outputs):
    """The raw results (the state folder, for the instructor) do hold them: otherwise the test
    below could not fail."""
    _, raw, _ = outputs
    assert UUID.search(raw) and PORT.search(raw) and "upload " in raw
    assert "working in" in raw and "cannot reach" in raw


@pytest.mark.parametrize("what", ["gradebook.csv", "gradebook.checks.json", "feedback/versions.md",
                                  "feedback/leaky.md", "report.html", "gradescope/versions",
                                  "gradescope/leaky", "github/versions", "github/leaky"])
def test_no_student_facing_output_holds_emulator_ids_host_paths_or_keys(outputs, what):
    texts, raw, tmp = outputs
    text = texts[what]
    assert not UUID.search(text), UUID.search(text)
    assert not PORT.search(text), PORT.search(text)
    assert not WORKER_TEMP.search(text), WORKER_TEMP.search(text)
    assert not TOKEN.search(text), TOKEN.search(text)
    for upload in re.findall(r"upload ([A-Za-z0-9._\-]{40,})", raw):
        assert upload not in text
    for path in {str(ROOT), sys.prefix, sys.base_prefix, str(Path.home()), str(tmp), "site-packages", "/work/"}:
        assert path not in text, (path, what)
    for secret in ("AKIDAWSLABG", *SECRETS.values()):
        assert secret not in text, (secret, what)


def test_feedback_stays_useful_after_the_ids_are_numbered(outputs):
    texts, _, _ = outputs
    versions = texts["feedback/versions.md"]
    assert "FAILED" in versions and "<id1>" in texts["gradebook.checks.json"]
    leaky = texts["feedback/leaky.md"]
    # markdown shows `<port>` (escaped as HTML in the file)
    assert "double() raised RuntimeError: cannot reach http://127.0.0.1:&lt;port&gt; from /tmp/awslab-learner" in leaky, leaky
