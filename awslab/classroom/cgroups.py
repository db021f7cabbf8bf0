"""A cgroup per student: every process of one student's grading (worker, learners, their children)
shares one CPU quota, one memory limit and one pids limit, so a fork or CPU bomb, or a memory hog
spread over many children, costs only its author. Its CPU time is how a lab's time limit is counted
(a busy neighbour cannot make it run out). cgroup v2 (one group) and v1 (cpu, cpuacct, memory and
pids hierarchies) both work; where neither is writable, `StudentGroups.unavailable` says why.
"""

from __future__ import annotations

import os
import shlex
import signal
import time
from pathlib import Path

ROOT = Path("/sys/fs/cgroup")
V1_CONTROLLERS = ("cpu", "cpuacct", "memory", "pids")
PERIOD_US = 100_000


class StudentGroup:
    def __init__(self, directories: list[Path], version: int) -> None:
        self.directories = directories
        self.version = version

    def wrap(self, command: list[str]) -> list[str]:
        """`command`, entering this group before it starts (so nothing it forks escapes)."""
        procs = " ".join(shlex.quote(str(d / "cgroup.procs")) for d in self.directories)
        script = f'for f in {procs}; do echo $$ > "$f" || exit 97; done; exec "$@"'
        return ["sh", "-c", script, "awslab-cgroup", *command]

    def procs_files(self) -> list[str]:
        """The files a process writes its pid to, to enter this group."""
        return [str(d / "cgroup.procs") for d in self.directories]

    def cpu_seconds(self) -> float:
        try:
            if self.version == 2:
                stat = (self.directories[0] / "cpu.stat").read_text().split()
                return int(stat[stat.index("usage_usec") + 1]) / 1e6
            return int(Path(self.accounting_file()).read_text()) / 1e9
        except (OSError, ValueError, IndexError):
            return 0.0

    def limits_hit(self) -> dict[str, int]:
        """How often the group met its limits so far: `oom_kill` (processes the kernel ended for
        the memory limit) and `pids_max` (forks refused for the pids limit)."""
        if self.version == 2:
            memory, pids = self.directories[0] / "memory.events", self.directories[0] / "pids.events"
        else:
            memory = self.directories[V1_CONTROLLERS.index("memory")] / "memory.oom_control"
            pids = self.directories[V1_CONTROLLERS.index("pids")] / "pids.events"
        return {"oom_kill": _counter(memory, "oom_kill"), "pids_max": _counter(pids, "max")}

    def accounting_file(self) -> str:
        """The file that counts the group's CPU time (cpu.stat on v2, cpuacct.usage on v1)."""
        if self.version == 2:
            return str(self.directories[0] / "cpu.stat")
        return str(self.directories[V1_CONTROLLERS.index("cpuacct")] / "cpuacct.usage")

    def remove(self) -> None:
        """Kill whatever is left in the group and remove it."""
        for _ in range(50):
            pids = set()
            for directory in self.directories:
                try:
                    pids |= {int(p) for p in (directory / "cgroup.procs").read_text().split()}
                except (OSError, ValueError):
                    pass
            if not pids:
                break
            if self.version == 2 and (self.directories[0] / "cgroup.kill").exists():
                _write(self.directories[0] / "cgroup.kill", "1")
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            time.sleep(0.02)
        for directory in self.directories:
            try:
                directory.rmdir()
            except OSError:
                pass


class StudentGroups:
    """Makes one group per student under awslab-<driver pid>; `unavailable` says why it cannot."""

    def __init__(self, *, memory_mb: int, pids: int = 512, cpus: float = 1.0, root: Path = ROOT) -> None:
        self.memory_bytes = memory_mb << 20
        self.pids = pids
        self.cpus = cpus
        self.count = 0
        self.version, self.parents, self.unavailable = 0, [], None
        name = f"awslab-{os.getpid()}"
        try:
            if (root / "cgroup.controllers").exists():
                self.version = 2
                enabled = set((root / "cgroup.subtree_control").read_text().split())
                for controller in {"cpu", "memory", "pids"} - enabled:
                    _write(root / "cgroup.subtree_control", f"+{controller}", strict=True)
                self.parents = [root / name]
            elif all((root / c).is_dir() for c in V1_CONTROLLERS):
                self.version = 1
                self.parents = [root / c / name for c in V1_CONTROLLERS]
            else:
                self.unavailable = "no cgroup v2 and no cpu, cpuacct, memory and pids cgroup v1 hierarchies"
                return
            _sweep_stale(self.parents[0].parent, self.version, root=root)
            for parent in self.parents:
                parent.mkdir(exist_ok=True)
            if self.version == 2:
                _write(self.parents[0] / "cgroup.subtree_control", "+cpu +memory +pids", strict=True)
        except OSError as exc:
            self.unavailable = f"cgroups are not writable here ({exc.strerror or exc})"
            self.parents = []

    def create(self) -> StudentGroup | None:
        if self.unavailable:
            return None
        self.count += 1
        directories = [parent / f"student-{self.count}" for parent in self.parents]
        try:
            for directory in directories:
                directory.mkdir()
            quota = f"{int(self.cpus * PERIOD_US)} {PERIOD_US}"
            if self.version == 2:
                group = directories[0]
                _write(group / "cpu.max", quota, strict=True)
                _write(group / "memory.max", str(self.memory_bytes), strict=True)
                _write(group / "memory.swap.max", "0")
                _write(group / "pids.max", str(self.pids), strict=True)
            else:
                cpu, _, memory, pids = directories
                _write(cpu / "cpu.cfs_period_us", str(PERIOD_US), strict=True)
                _write(cpu / "cpu.cfs_quota_us", str(int(self.cpus * PERIOD_US)), strict=True)
                _write(memory / "memory.limit_in_bytes", str(self.memory_bytes), strict=True)
                _write(memory / "memory.memsw.limit_in_bytes", str(self.memory_bytes))
                _write(pids / "pids.max", str(self.pids), strict=True)
        except OSError as exc:
            StudentGroup(directories, self.version).remove()
            self.unavailable = f"could not set up a student's cgroup ({exc.strerror or exc})"
            return None
        return StudentGroup(directories, self.version)

    def remove(self) -> None:
        for parent in self.parents:
            try:
                parent.rmdir()
            except OSError:
                pass


def _driver_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _sweep_stale(base: Path, version: int, *, root: Path = ROOT) -> None:
    """Remove the groups of drivers that are gone (killed before they could clean up): whatever
    is left in them is killed first, so a killed run leaves nothing behind after the next run."""
    try:
        names = [entry.name for entry in base.iterdir() if entry.name.startswith("awslab-")]
    except OSError:
        return
    for name in names:
        pid = name.removeprefix("awslab-")
        if not pid.isdigit() or _driver_alive(int(pid)):
            continue
        _remove_driver_groups(name, version, root)


def _remove_driver_groups(name: str, version: int, root: Path) -> None:
    """A gone driver's groups: each student's group (its processes killed), then the driver's own."""
    parents = [root / name] if version == 2 else [root / c / name for c in V1_CONTROLLERS]
    children = sorted({child.name for parent in parents if parent.is_dir()
                       for child in parent.iterdir() if child.is_dir()})
    for child in children:
        StudentGroup([parent / child for parent in parents], version).remove()
    for parent in parents:
        try:
            parent.rmdir()
        except OSError:
            pass


def _counter(path: Path, name: str) -> int:
    """A `name value` line of a cgroup events file (0 if the file or the line is missing)."""
    try:
        for line in path.read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == name:
                return int(value)
    except (OSError, ValueError):
        pass
    return 0


def _write(path: Path, value: str, *, strict: bool = False) -> None:
    try:
        path.write_text(value)
    except OSError:
        if strict:
            raise



def cpu_clock(accounting: str):
    """A function giving the CPU seconds a group has used, read from its `accounting_file()`
    (handed to the worker by the driver, which made the group), or None if it cannot be read."""
    file = Path(accounting)
    if file.name == "cpuacct.usage":
        def clock() -> float:
            try:
                return int(file.read_text()) / 1e9
            except (OSError, ValueError):
                return 0.0
    else:
        clock = StudentGroup([file.parent], 2).cpu_seconds
    try:
        file.read_text()
    except OSError:
        return None
    return clock
