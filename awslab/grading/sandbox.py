"""The learner's allow-listed filesystem: bubblewrap around the learner's Python process.

Chosen over nsjail and firejail: bubblewrap is in Debian and every major distribution, is what
Flatpak relies on (so it is reviewed and kept), needs no setuid bit where user namespaces are
allowed, and starts from an empty root so that only what is named is visible (firejail starts from
the whole machine and hides parts; nsjail is not packaged everywhere and wants a config language).

What the learner sees: the Python runtime (read-only), the libraries its code may use (boto3 and
what it needs) at /opt/awslab/site, a small copy of awslab's learner-side runner at
/opt/awslab/runner (package `awslab_learner`, so `import awslab` fails), its own files read-only at
/submission, its working directory, an /etc of awslab's own making (the learner's account, no host
user, no host configuration), and private size-capped /tmp, /var/tmp, /dev/shm, /run/lock.
It runs as uid 65534 in its own user, mount, PID, IPC, UTS and cgroup namespaces, with no
capabilities, no_new_privs and a seccomp filter; it shares the worker's network namespace (only
loopback, so it reaches the worker's gateway and nothing else).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

LEARNER_UID = 65534
SITE, RUNNER, SUBMISSION = "/opt/awslab/site", "/opt/awslab/runner", "/submission"
LIBRARIES = ("boto3", "botocore", "s3transfer", "jmespath", "dateutil", "six", "urllib3")
# /etc inside holds only these, written by awslab: the learner's uid has a name, the host's users do not show.
ACCOUNT_FILES = {"passwd": f"nobody:x:{LEARNER_UID}:{LEARNER_UID}:learner:/tmp:/usr/sbin/nologin\n",
                 "group": f"nogroup:x:{LEARNER_UID}:\n", "nsswitch.conf": "passwd: files\ngroup: files\nhosts: files\n",
                 "hosts": "127.0.0.1 localhost learner\n::1 localhost\n"}
RUNNER_MODULES = ("learner_child.py", "transfer.py", "../safety.py")
TMPFS_BYTES = {"/tmp": 64 << 20, "/var/tmp": 16 << 20, "/dev/shm": 16 << 20, "/run/lock": 1 << 20}
# Refused with EPERM: what would let the learner leave or inspect its box.
REFUSED_SYSCALLS = ("ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
                    "chroot", "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "unshare",
                    "setns", "kexec_load", "kexec_file_load", "init_module", "finit_module",
                    "delete_module", "open_by_handle_at", "userfaultfd", "fsopen", "fsmount",
                    "move_mount", "open_tree", "swapon", "swapoff", "reboot", "acct", "quotactl",
                    # a session of its own would be a scheduler autogroup of its own: without a
                    # cgroup (not root), autogroups are what shares the CPU fairly between learners
                    "setsid")


class SandboxUnavailable(RuntimeError):
    pass


@dataclass
class Bubblewrap:
    """Builds the command that runs the learner's host inside bubblewrap."""

    bwrap: str
    runner_root: str          # holds awslab_learner/, copied once per process
    seccomp_fd: int | None    # a BPF program (libseccomp's export), or None if libseccomp is missing
    packages: tuple[str, ...] = ()  # distributions a lab lets learner code use beyond boto3 (lab.toml)
    # A warm learner (learner_child.zygote) per submission folder: each lab's learner is forked from
    # it instead of started in a bubblewrap of its own. `services`: the models it preloads.
    warm: bool = False
    services: tuple[str, ...] = ()
    zygote: "Zygote | None" = None
    forked: int = 0  # learners forked from a warm one so far

    def fork_learner(self, file: Path, env: dict[str, str], pipes: tuple[int, int, int], *, user: int | None,
                     memory_mb: int, cpu_seconds: int, max_tasks: int = 0) -> "ZygoteChild | None":
        """A learner for `file` forked from the warm learner of its folder (started on first use),
        or None where there is none (not warm, another folder, it failed): then start one as before."""
        if not self.warm:
            return None
        if self.zygote is not None and (self.zygote.folder != file.parent or not self.zygote.alive()):
            self.close_zygote()
        if self.zygote is None:
            try:
                self.zygote = Zygote(self, file.parent, env, user)
            except ZygoteFailed:
                self.warm = False  # not again for this worker: each learner starts on its own
                return None
        try:
            child = self.zygote.spawn(f"{SUBMISSION}/{file.name}", env, pipes, memory_mb=memory_mb,
                                      cpu_seconds=cpu_seconds, max_tasks=max_tasks)
            self.forked += 1
            return child
        except ZygoteFailed:
            self.close_zygote()
            return None

    def sweep(self) -> bool:
        """End every process the learners left and empty their folders, the warm learner staying;
        False if there is none or it did not answer (then sweep from outside: it dies too)."""
        if self.zygote is None:
            return False
        if self.zygote.sweep():
            return True
        self.close_zygote()
        return False

    def close_zygote(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None

    def command(self, file: Path, workdir: str, python_args: list[str]) -> tuple[list[str], str, tuple[int, ...]]:
        """(command, the learner file's path inside, fds to pass). `file`'s folder is /submission."""
        runtime = sys.base_prefix
        args = [self.bwrap, "--unshare-user", "--unshare-ipc", "--unshare-pid", "--unshare-uts",
                "--unshare-cgroup-try", "--uid", str(LEARNER_UID), "--gid", str(LEARNER_UID),
                "--die-with-parent", "--new-session", "--cap-drop", "ALL", "--hostname", "learner"]
        if _supports(self.bwrap, "--disable-userns"):  # bubblewrap 0.8+: no nested user namespace
            args.append("--disable-userns")
        for top in ("/usr", "/lib", "/lib64", "/bin", "/sbin"):
            if os.path.islink(top):
                args += ["--symlink", os.readlink(top), top]
            elif os.path.isdir(top):
                args += ["--ro-bind", top, top]
        for name in ("/etc/ld.so.cache", "/etc/localtime"):
            if os.path.exists(name):
                args += ["--ro-bind", name, name]
        for name in ACCOUNT_FILES:  # the learner's own account only: no host user is named inside
            args += ["--ro-bind", f"{self.runner_root}/etc/{name}", f"/etc/{name}"]
        args += ["--ro-bind", runtime, runtime]
        for site_dir in _site_dirs():  # the runtime's own site-packages may hold awslab or solutions
            if os.path.isdir(site_dir):
                args += ["--tmpfs", site_dir, "--remount-ro", site_dir]
        args += ["--proc", "/proc", "--dev", "/dev"]
        for target, size in TMPFS_BYTES.items():
            args += ["--size", str(size), "--perms", "1777", "--tmpfs", target]
        # time-machine too: the runner travels to the grader's virtual time with it (learner_child).
        for name, path in {**_libraries(), **_packages(("time-machine", *self.packages))}.items():
            args += ["--ro-bind", path, f"{SITE}/{name}"]
        args += ["--ro-bind", self.runner_root, RUNNER]
        args += ["--ro-bind", str(file.parent), SUBMISSION]
        args += ["--bind", workdir, workdir, "--chdir", workdir]
        fds: tuple[int, ...] = ()
        if self.seccomp_fd is not None:
            os.lseek(self.seccomp_fd, 0, os.SEEK_SET)
            reopened = os.open(f"/proc/self/fd/{self.seccomp_fd}", os.O_RDONLY)
            args += ["--seccomp", str(reopened)]
            fds = (reopened,)
        python = os.path.realpath(sys.executable)
        inside = f"{SUBMISSION}/{file.name}"
        return args + ["--", python, "-S", "-s", *python_args], inside, fds

    def environment(self) -> dict[str, str]:
        return {"PYTHONPATH": f"{RUNNER}:{SITE}", "PYTHONNOUSERSITE": "1"}


@lru_cache(maxsize=4)
def _supports(bwrap: str, option: str) -> bool:
    try:
        shown = subprocess.run([bwrap, "--help"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in shown.split()


class ZygoteFailed(RuntimeError):
    pass


ZYGOTE_TIMEOUT = 60.0  # seconds the warm learner may take to start or fork (a busy machine)
SWEEP_TIMEOUT = 15.0   # to sweep; past it (e.g. learner code stopped it) it is killed and swept from outside


class Zygote:
    """The worker's side of a warm learner (learner_child.zygote), in a bubblewrap of its own with
    the same allow-list as every learner, /submission being `folder`."""

    def __init__(self, box: Bubblewrap, folder: Path, env: dict[str, str], user: int | None) -> None:
        import socket

        self.folder = folder
        self.exits: dict[int, int] = {}
        self.home = tempfile.mkdtemp(prefix="awslab-learner-")
        if user is not None:
            os.chown(self.home, user, user)
        self._ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        command, _, extra = box.command(folder / "_", self.home, [])
        command += ["-m", "awslab_learner.learner_child", "--zygote", str(theirs.fileno()), self.home]
        zygote_env = {k: v for k, v in env.items() if k not in ("AWS_ENDPOINT_URL",)}
        zygote_env.update(box.environment())
        zygote_env.update({"HOME": self.home, "TMPDIR": self.home, "AWSLAB_PRELOAD_SERVICES": ",".join(box.services)})
        identity: dict[str, Any] = {"user": user, "group": user, "extra_groups": []} if user is not None else {}
        try:
            self.process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                            env=zygote_env, cwd=self.home, pass_fds=(theirs.fileno(), *extra),
                                            start_new_session=True, **identity)
        except OSError as exc:
            raise ZygoteFailed(str(exc)) from None
        finally:
            theirs.close()
            for fd in extra:
                os.close(fd)
        if self._wait("ready") is None:
            self.close()
            raise ZygoteFailed("the warm learner did not start")

    def alive(self) -> bool:
        return self.process.poll() is None

    def spawn(self, inside: str, env: dict[str, str], pipes: tuple[int, int, int], *, memory_mb: int,
              cpu_seconds: int, max_tasks: int = 0) -> "ZygoteChild":
        import array
        import json
        import socket

        request = {"spawn": {"file": inside, "env": env, "memory_mb": memory_mb, "cpu_seconds": cpu_seconds,
                             "max_tasks": max_tasks}}
        try:
            self._ours.sendmsg([json.dumps(request).encode()],
                               [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", pipes))])
        except OSError as exc:
            raise ZygoteFailed(str(exc)) from None
        reply = self._wait("spawned")
        if reply is None:
            raise ZygoteFailed("the warm learner did not fork")
        return ZygoteChild(self, int(reply["spawned"]))

    def kill(self, pid: int) -> None:
        self._send({"kill": pid})

    def sweep(self) -> bool:
        return self._send({"sweep": True}) and self._wait("swept", SWEEP_TIMEOUT) is not None

    def _send(self, message: dict) -> bool:
        import json

        try:
            self._ours.send(json.dumps(message).encode())
            return True
        except OSError:
            return False

    def _wait(self, kind: str, timeout: float = ZYGOTE_TIMEOUT) -> dict | None:
        """The next message of `kind` (exits are recorded on the way); None past the timeout or if
        the warm learner has gone."""
        import json
        import select
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._ours], [], [], remaining)[0]:
                if remaining <= 0:
                    return None
                continue
            try:
                data = self._ours.recv(1 << 16)
            except OSError:
                data = b""
            if not data:
                return None
            try:
                message = json.loads(data)
            except ValueError:
                return None
            if not isinstance(message, dict):
                return None
            if "exit" in message:
                try:
                    self.exits[int(message["exit"])] = int(message["code"])
                except (TypeError, ValueError):
                    pass
            if kind in message:
                return message

    def exit_of(self, pid: int, timeout: float) -> int | None:
        import select

        if pid not in self.exits:
            if timeout <= 0:
                while pid not in self.exits and select.select([self._ours], [], [], 0)[0]:
                    if self._wait("exit", 1.0) is None:
                        break
            else:
                import time

                deadline = time.monotonic() + timeout
                while pid not in self.exits and time.monotonic() < deadline:
                    if self._wait("exit", deadline - time.monotonic()) is None:
                        break
        return self.exits.pop(pid, None)

    def close(self) -> None:
        import signal

        try:
            self._ours.close()
        except OSError:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        shutil.rmtree(self.home, ignore_errors=True)


class ZygoteChild:
    """A learner forked by the warm learner, as LearnerProcess uses a subprocess.Popen: pid (in the
    sandbox's PID namespace), poll(), wait(), returncode, and kill_group()."""

    def __init__(self, zygote: Zygote, pid: int) -> None:
        self.zygote = zygote
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            self.returncode = self.zygote.exit_of(self.pid, 0)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        if self.returncode is None:
            self.returncode = self.zygote.exit_of(self.pid, ZYGOTE_TIMEOUT if timeout is None else timeout)
            if self.returncode is None:
                raise subprocess.TimeoutExpired(f"learner {self.pid}", timeout or 0)
        return self.returncode

    def kill_group(self) -> None:
        self.zygote.kill(self.pid)


def _site_dirs() -> list[str]:
    paths = sysconfig.get_paths(vars={"base": sys.base_prefix, "platbase": sys.base_prefix})
    return sorted({paths["purelib"], paths["platlib"]})


@lru_cache(maxsize=1)
def _libraries() -> dict[str, str]:
    found = {}
    for name in LIBRARIES:
        spec = importlib.util.find_spec(name)
        if spec is None or not spec.origin:
            continue
        origin = Path(spec.origin)
        if origin.name == "__init__.py":
            found[name] = str(origin.parent)
        else:
            found[origin.name] = str(origin)
    return found


@lru_cache(maxsize=16)
def _packages(names: tuple[str, ...]) -> dict[str, str]:
    """What the distributions `names` install at the top of site-packages (packages, modules and
    extension files), with the distributions they require, as {name inside SITE: path}."""
    from importlib import metadata

    found: dict[str, str] = {}
    wanted, seen = list(names), set()
    while wanted:
        name = wanted.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue  # not installed: the learner's import fails and says so
        for entry in dist.files or []:
            top = entry.parts[0]
            if (top.endswith((".dist-info", ".data", ".pth")) or top in ("..", "__pycache__", "bin")
                    or (len(entry.parts) == 1 and not top.endswith((".py", ".so")))):
                continue
            path = Path(str(dist.locate_file(top)))
            if path.exists():
                found[top] = str(path)
        for requirement in dist.requires or []:
            if "extra ==" in requirement.replace("extra==", "extra =="):
                continue
            match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
            if match:
                wanted.append(match.group(1))
    return found


@lru_cache(maxsize=1)
def _runner_root() -> str:
    """A copy of the learner-side modules as package `awslab_learner` (nothing else of awslab)."""
    root = tempfile.mkdtemp(prefix="awslab-runner-")
    package = Path(root) / "awslab_learner"
    package.mkdir()
    (package / "__init__.py").write_text('"""awslab\'s runner inside the learner\'s sandbox."""\n')
    here = Path(__file__).resolve().parent
    for module in RUNNER_MODULES:
        shutil.copyfile(here / module, package / Path(module).name)
    etc = Path(root) / "etc"
    etc.mkdir()
    for name, text in ACCOUNT_FILES.items():
        (etc / name).write_text(text)
    for path in (Path(root), package, *package.iterdir(), etc, *etc.iterdir()):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return root


@lru_cache(maxsize=1)
def seccomp_program() -> int | None:
    """A file descriptor holding the BPF filter (ptrace, mount, keyctl, bpf, ... refused), or None."""
    name = ctypes.util.find_library("seccomp")
    if not name:
        return None
    lib = ctypes.CDLL(name, use_errno=True)
    lib.seccomp_init.restype = ctypes.c_void_p
    lib.seccomp_init.argtypes = [ctypes.c_uint32]
    lib.seccomp_rule_add.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int, ctypes.c_uint]
    lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.seccomp_release.argtypes = [ctypes.c_void_p]
    allow, eperm = 0x7FFF0000, 0x00050000 | 1
    ctx = lib.seccomp_init(allow)
    if not ctx:
        return None
    try:
        for syscall in REFUSED_SYSCALLS:
            number = lib.seccomp_syscall_resolve_name(syscall.encode())
            if number >= 0 and lib.seccomp_rule_add(ctx, eperm, number, 0) != 0:
                return None
        handle = tempfile.TemporaryFile()
        if lib.seccomp_export_bpf(ctx, handle.fileno()) != 0:
            return None
        _keep.append(handle)
        return handle.fileno()
    finally:
        lib.seccomp_release(ctx)


_keep: list = []


def missing() -> str | None:
    """Why bubblewrap cannot sandbox the learner here, or None if it can."""
    return _probe()


@lru_cache(maxsize=1)
def _probe() -> str | None:
    bwrap = shutil.which("bwrap")
    if not bwrap:
        return "bubblewrap (bwrap) is not installed"
    identity: dict[str, Any] = (
        {"user": LEARNER_UID, "group": LEARNER_UID, "extra_groups": []} if can_become_learner() else {})
    try:
        done = subprocess.run([bwrap, "--unshare-user", "--unshare-ipc", "--unshare-pid", "--uid",
                               str(LEARNER_UID), "--ro-bind", "/", "/", "true"], capture_output=True,
                              timeout=10, **identity)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bwrap failed to start: {exc}"
    if done.returncode != 0:
        return "bwrap cannot create a user namespace here: " + done.stderr.decode(errors="replace").strip()[:200]
    return None


def can_become_learner() -> bool:
    """Whether this process may switch to the learner's uid before bwrap (root with that uid mapped)."""
    if os.geteuid() != 0:
        return False
    try:
        lines = Path("/proc/self/uid_map").read_text().split()
    except OSError:
        return True
    numbers = [int(x) for x in lines]
    return any(start <= LEARNER_UID < start + count for start, _, count in zip(numbers[0::3], numbers[1::3], numbers[2::3]))


def bubblewrap(packages: tuple[str, ...] = (), *, warm_services: tuple[str, ...] | None = None) -> Bubblewrap:
    """The sandbox; `packages` are the distributions the labs being graded let learner code import
    (lab.toml's `learner_packages`), visible read-only beside boto3 with what they require.
    `warm_services`: fork each learner from a warm one that preloaded these services' models."""
    why = missing()
    bwrap = shutil.which("bwrap")
    if why or bwrap is None:
        raise SandboxUnavailable(why or "bubblewrap (bwrap) is not installed")
    return Bubblewrap(bwrap, _runner_root(), seccomp_program(), tuple(sorted(packages)),
                      warm=warm_services is not None, services=tuple(sorted(warm_services or ())))
