"""Per-student cgroups: a driver killed before it cleaned up leaves no group behind the next run."""

import subprocess
import sys

import pytest

from awslab.classroom.cgroups import ROOT, V1_CONTROLLERS, StudentGroups


def _groups_or_skip() -> StudentGroups:
    groups = StudentGroups(memory_mb=256)
    if groups.unavailable:
        pytest.skip(f"needs writable cgroups: {groups.unavailable}")
    return groups


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_groups_of_a_killed_driver_are_removed_by_the_next_run():
    groups = _groups_or_skip()
    groups.remove()
    stale = f"awslab-{_dead_pid()}"
    parents = [ROOT / stale] if groups.version == 2 else [ROOT / c / stale for c in V1_CONTROLLERS]
    for parent in parents:
        (parent / "student-1").mkdir(parents=True)
    sleeper = subprocess.Popen(["sleep", "60"])
    try:
        for parent in parents:
            (parent / "student-1" / "cgroup.procs").write_text(str(sleeper.pid))
        StudentGroups(memory_mb=256).remove()
        assert sleeper.wait(timeout=10) != 0          # what was left in the group is killed
        assert not any(parent.exists() for parent in parents)
    finally:
        if sleeper.poll() is None:
            sleeper.kill()
        for parent in parents:
            for path in (parent / "student-1", parent):
                try:
                    path.rmdir()
                except OSError:
                    pass


def test_a_running_drivers_groups_are_left_alone():
    groups = _groups_or_skip()
    mine = groups.create()
    assert mine is not None
    try:
        StudentGroups(memory_mb=256).remove()   # another run starting meanwhile
        assert all(d.is_dir() for d in mine.directories)
    finally:
        mine.remove()
        groups.remove()
