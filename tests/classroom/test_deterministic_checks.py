"""gradebook.checks.json is byte-identical across identical runs, even when the learner's code uses
random jitter (its random module is seeded) and the emulator hands out random ids (numbered)."""

from __future__ import annotations

from .conftest import FIXTURES


def test_a_learner_using_random_gets_the_same_checks_json_twice(labs_env, tmp_path):
    from awslab.classroom import Settings, find_students, grade_class
    from awslab.classroom.gradebook import write_outputs
    from awslab.grading import get_lab

    folder = tmp_path / "class" / "jitter"
    folder.mkdir(parents=True)
    solution = (FIXTURES / "solutions" / "class_lab.py").read_text()
    noisy = ("\nimport random, uuid\n_greet = greet\n\n\ndef greet(name):\n"
             "    print('backoff', random.random(), 'id', uuid.uuid4())\n    return _greet(name)\n")
    (folder / "class_lab.py").write_text(solution + noisy)
    lab = get_lab("class_lab")
    outputs = []
    for attempt in ("first", "second"):
        run = grade_class(find_students(folder.parent), [lab], tmp_path / attempt / "state",
                          Settings(timeout=20, jobs=1))
        write_outputs(run.records, [lab], tmp_path / attempt / "gradebook.csv", "csv")
        outputs.append((tmp_path / attempt / "gradebook.checks.json").read_bytes())
    assert b"backoff 0." in outputs[0] and b"id <id1>" in outputs[0]
    assert outputs[0] == outputs[1]
