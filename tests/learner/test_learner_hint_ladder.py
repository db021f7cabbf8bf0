"""Hints climb a ladder: a run shows the first step, each request one more, the last only when asked."""

from __future__ import annotations

import io

from learner_helpers import run_awslab
from rich.console import Console

from awslab.grading.results import FAILED, CheckResult, LabResult
from awslab.hints import hint_ladder, unasked_hint
from awslab.reporters.text import render_text

CONCRETE = "Pass MessageAttributeNames=['All']."
HINT = f"Where do message attributes go? receive_message returns them only when asked. {CONCRETE}"


def test_a_hint_of_several_sentences_is_a_ladder_of_up_to_three_levels():
    assert hint_ladder(HINT) == ["Where do message attributes go?", "receive_message returns them only when asked.",
                                 CONCRETE]
    assert hint_ladder("One.\nTwo.\nThree.\nFour.") == ["One.", "Two.", "Three. Four."]


def test_a_run_shows_the_first_level_and_never_the_most_concrete():
    assert unasked_hint(HINT) == "Where do message attributes go?"
    assert unasked_hint(CONCRETE) == ""  # a one-level ladder is all concrete: it waits to be asked
    result = LabResult("sqs_dlq", "SQS", "moto", [CheckResult("attrs", "keeps attributes", FAILED, 0, 1,
                                                              message="attributes lost", hint=HINT)])
    out = io.StringIO()
    render_text([result], Console(file=out, width=120, color_system=None))
    assert "Where do message attributes go?" in out.getvalue() and CONCRETE not in out.getvalue()


def test_each_hint_request_climbs_one_level_of_each_failed_check_and_the_workspace_remembers(labs_env, workspace):
    workspace.lab_file("tiny_lab").write_text("def make_bucket(s3, name):\n    pass\n")
    run = run_awslab("check", "tiny_lab", env=labs_env)
    assert "Which method of the client makes a bucket?" in run.stdout
    assert "Call create_bucket on the client you are given" not in run.stdout
    first = run_awslab("hint", "tiny_lab", env=labs_env).stdout  # the run showed level 1: this is level 2
    assert "make_bucket creates the bucket" in first and "(hint 2 of 2)" in first
    assert "Call create_bucket on the client you are given" in first
    assert "time.sleep(seconds)" in first and "(hint 1 of 1)" in first  # a one-level ladder, asked for
    assert workspace.progress("tiny_lab").check_hints_seen["bucket_exists"] == 2
    again = run_awslab("hint", "tiny_lab", env=labs_env).stdout
    assert "(hint 2 of 2)" in again and "most concrete hint there is" in again
