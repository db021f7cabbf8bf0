"""`awslab watch`: regrade the current lab each time its file is saved, in the spirit of rustlings.

One LocalAWS is started once and reused (grade_submission resets it before every run), so a save
is graded in a second or two. A watchdog observer reports saves (editors that write a temporary
file and rename it included); saves within `debounce` seconds make one run. Keys, read from the
terminal without Enter: h hint (again: more concrete), n next lab, l list, r regrade, q quit.
When stdin is not a terminal, one key per line is read instead, and end of input quits.
"""

from __future__ import annotations

import os
import queue
import select
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text
from watchdog.events import FileSystemEventHandler

from .workspace import Workspace

if TYPE_CHECKING:
    from .local_aws import LocalAWS

# A learner function in watch gets at most this long per call (a lab's own limit is 10-20 s): an
# endless loop costs a few seconds, and a save meanwhile stops the grade at once anyway.
WATCH_CALL_LIMIT = 5.0

KEYS = ("[bold]h[/] hint · [bold]p[/] pictures · [bold]n[/] next lab · [bold]l[/] list · [bold]r[/] regrade · "
        "[bold]q[/] quit")


class Watcher:
    def __init__(self, workspace: Workspace, labs: list[Any], lab: Any, *, backend: str = "moto",
                 console: Console | None = None, html: Path | None = None, debounce: float = 0.1) -> None:
        self.workspace = workspace
        self.labs = labs
        self.lab = lab
        self.backend = backend
        self.console = console or Console()
        self.html = html
        self.debounce = debounce
        self.events: queue.Queue = queue.Queue()
        self.aws: LocalAWS | None = None  # from run() on
        self._stop = threading.Event()
        self._pending: float | None = None
        self._watch_started = time.monotonic()
        self.last_result = None
        self._job: tuple[threading.Thread, Any, int] | None = None  # (thread, learner, run number)
        self._runs = 0
        # The next grade's learner process, started once a grade is drawn: its Python and boto3 are
        # loaded before the next save, which then only imports the learner's file (the file is read
        # at load time, not when the process starts).
        self._standby: Any = None

    # -- the loop ---------------------------------------------------------------------------------
    def run(self) -> int:
        from watchdog.observers import Observer

        from .backends import make_backend
        from .local_aws import LocalAWS

        with self.console.status(f"starting a local AWS ({self.backend})..."):
            aws = self.aws = LocalAWS(make_backend(self.backend)).start()
        observer = Observer()
        observer.schedule(_SaveHandler(self), str(self.workspace.root), recursive=False)
        observer.start()
        keys = _KeyReader(self.events, self._stop)
        keys.start()
        try:
            self.open_lab(self.lab)
            while not self._stop.is_set():
                wait = 0.1 if self._pending is None else max(0.0, self._pending + self.debounce - time.monotonic())
                try:
                    event = self.events.get(timeout=max(wait, 0.005))
                except queue.Empty:
                    event = None
                if event is not None:
                    if event[0] == "saved":
                        self._pending = time.monotonic()
                    elif event[0] == "graded":
                        self.on_graded(*event[1:])
                    elif event[0] == "eof":
                        break
                    elif event[0] == "key" and not self.on_key(event[1]):
                        break
                if self._pending is not None and time.monotonic() - self._pending >= self.debounce:
                    self._pending = None
                    self.grade()
        except KeyboardInterrupt:
            pass
        finally:
            self._stop.set()
            self._cancel()
            self._drop_standby()
            keys.restore()
            observer.stop()
            observer.join(timeout=5)
            self._flush_time()
            aws.stop()
        self.console.print("Stopped watching. Your progress is saved: [bold]awslab progress[/].")
        return 0

    def on_key(self, key: str) -> bool:
        """Handle one key; False means quit."""
        key = key.lower()
        if key in ("q", "\x04"):  # q or Ctrl-D
            return False
        if key == "h":
            self.show_hint()
        elif key == "n":
            following = next_lab(self.labs, self.workspace, after=self.lab)
            if following is None:
                self.console.print("[green]Every lab is done.[/] Press [bold]q[/] to quit.")
            else:
                self.open_lab(following)
        elif key == "l":
            from .workspace_views import progress_table

            self.console.print(progress_table(self.labs, self.workspace, current=self.lab.id))
            self.console.print(KEYS)
        elif key == "r":
            self.grade()
        elif key == "p":
            self.show_pictures()
        elif key.strip():
            self.console.print(f"unknown key {key!r}: {KEYS}")
        return True

    # -- what the learner sees --------------------------------------------------------------------
    def open_lab(self, lab: Any) -> None:
        self._flush_time()
        self.lab = lab
        self.workspace.record_opened(lab.id)
        self.grade()

    @property
    def path(self) -> Path:
        return self.workspace.lab_file(self.lab.id)

    def grade(self) -> None:
        """Start grading the current file in the background; a grade still running is stopped
        first (a save during a grade starts it over). The report is drawn by on_graded."""
        from .grading.learner_process import LearnerProcess

        restarted = self._cancel()
        self._flush_time()
        self._header()
        if not self.path.is_file():
            self.console.print(f"[red]{self.path.name} is missing.[/] Create it, or run "
                               f"[bold]awslab reset {self.lab.id}[/] to get the starter back.")
            self.console.print(KEYS)
            return
        self.console.print(f"grading {self.path.name}..." + (" (saved again: started over)" if restarted else ""),
                           markup=False, highlight=False)
        self._runs += 1
        run, lab, path = self._runs, self.lab, self.path
        learner = self._take_standby(path) or LearnerProcess.spawn_early(path, services=lab.services)
        thread = threading.Thread(target=self._grade_in_background, args=(run, lab, path, learner),
                                  name="awslab-watch-grade", daemon=True)
        self._job = (thread, learner, run)
        thread.start()

    def _grade_in_background(self, run: int, lab: Any, path: Path, learner: Any) -> None:
        from .grading import grade_submission
        from .grading.learner_process import GradeCancelled

        try:
            result = grade_submission(lab, path, self.aws, learner=learner,
                                      call_timeout=min(lab.call_timeout, WATCH_CALL_LIMIT))
        except GradeCancelled:
            return
        except Exception as exc:  # noqa: BLE001 - a broken lab must not end the watch; the next save retries
            self.events.put(("graded", run, None, exc))
            return
        self.events.put(("graded", run, result, None))

    def _cancel(self) -> bool:
        """Stop the grade in progress, if any, and wait for its thread (the backend is shared): True
        if one was running."""
        job, self._job = self._job, None
        if job is None:
            return False
        thread, learner, _ = job
        if not thread.is_alive():
            return False
        learner.cancel()
        thread.join()
        return True

    def _take_standby(self, path: Path) -> Any:
        """The learner process started in advance for `path`, if it is still waiting; else None."""
        standby, self._standby = self._standby, None
        if standby is None:
            return None
        process = getattr(standby, "_process", None)
        if standby.path == path.resolve() and process is not None and process.poll() is None:
            return standby
        standby.close()
        return None

    def _start_standby(self) -> None:
        from .grading.learner_process import LearnerProcess

        self._drop_standby()
        if self.path.is_file() and not self._stop.is_set():
            self._standby = LearnerProcess.spawn_early(self.path, services=self.lab.services)

    def _drop_standby(self) -> None:
        standby, self._standby = self._standby, None
        if standby is not None:
            standby.close()

    def _header(self) -> None:
        position = self.labs.index(self.lab) + 1 if self.lab in self.labs else 0
        self.console.clear()
        self.console.rule(f"[bold]awslab watch[/] · lab {position}/{len(self.labs)}: {self.lab.id} · "
                          f"file {self.path.name}")

    def on_graded(self, run: int, result: Any, error: Exception | None) -> None:
        """Draw the report of grade number `run` (an older one, overtaken by a save, is dropped)."""
        if self._job is None or self._job[2] != run:
            return
        self._job = None
        try:
            self._draw(result, error)
        finally:
            self._start_standby()  # after the report: it does not slow the grade it follows

    def _draw(self, result: Any, error: Exception | None) -> None:
        from .reporters.score_line import score_line
        from .reporters.text import print_plain, render_text

        self._header()
        if error is not None:
            self.console.print(f"[red]awslab could not grade {self.lab.id}:[/] {type(error).__name__}: {error}\n"
                               "Save again to retry; if it persists, report it with `awslab check "
                               f"{self.lab.id}`'s output.")
            self.console.print(KEYS)
            return
        record = self.workspace.record_result(result)
        self.last_result = result
        following = next_lab(self.labs, self.workspace, after=self.lab) if result.full_marks else None
        following_id = following.id if following is not None else None
        print_plain(self.console, score_line(result, following_id, width=self.console.width))
        render_text([result], self.console, next_lab=following_id, pictures=False, score=False)
        if result.pictures:
            self.console.print(f"{len(result.pictures)} picture(s) of what your code built: press [bold]p[/]")
        if self.html:
            from .pictures.page import write_report_html

            write_report_html([result], self.html)
        if result.full_marks:
            message = Text(f"✔ {self.lab.id} is complete ({result.score}/{result.max_score}). ", style="bold green")
            if following is None:
                message.append("Every lab is done. Well done! ", style="bold green")
                message.append("Compare with the reference: awslab solution " + self.lab.id)
            else:
                message.append(f"Next lab: {following.id} ({following.title}). Press n to start it.")
            self.console.print(Panel(message, border_style="green"))
        else:
            level = record.hints_seen.get(self._hint_target(), 0)
            self.console.print(f"Saved files are graded again at once. Stuck? Press [bold]h[/] for a hint"
                               f"{' (a more concrete one)' if level else ''}, or read the lab: "
                               f"[bold]awslab show {self.lab.id}[/]")
        self.console.print(KEYS)

    def show_pictures(self) -> None:
        if self.last_result is None or not self.last_result.pictures:
            self.console.print("No pictures for the last run.")
        else:
            for title, picture in self.last_result.pictures:
                self.console.print(Panel(picture, title=title, border_style="cyan", expand=False))
        self.console.print(KEYS)

    def _hint_target(self) -> str:
        from .workspace_views import choose_hint_functions

        chosen = choose_hint_functions(self.lab, self.path)
        return chosen[0] if chosen else ""

    def show_hint(self) -> None:
        from .workspace_views import hint_renderable

        self.console.print(hint_renderable(self.lab, self.workspace, level=None, function=None))
        self.console.print(KEYS)

    def _flush_time(self) -> None:
        now = time.monotonic()
        elapsed, self._watch_started = now - self._watch_started, now
        if self.lab is not None and elapsed > 0.5:
            try:
                self.workspace.add_watch_time(self.lab.id, elapsed)
            except OSError:
                pass


def next_lab(labs: list[Any], workspace: Workspace, after: Any | None = None) -> Any | None:
    """The first unfinished lab after `after` in lab order, wrapping round; None when all are done."""
    progress = workspace.all_progress()
    start = labs.index(after) + 1 if after in labs else 0
    for lab in labs[start:] + labs[:start]:
        if lab is after:
            continue
        record = progress.get(lab.id)
        if record is None or not record.done:
            return lab
    return None


class _SaveHandler(FileSystemEventHandler):
    """watchdog handler: any write, creation or rename onto the current lab's file is a save."""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self.watcher = watcher

    def dispatch(self, event: Any) -> None:
        if event.is_directory or event.event_type not in ("modified", "created", "moved", "closed"):
            return
        target = self.watcher.path
        for path in (getattr(event, "src_path", None), getattr(event, "dest_path", None)):
            if path and Path(os.fsdecode(path)).resolve() == target:
                if event.event_type == "moved" and path == event.src_path:
                    continue  # the file moved away: nothing to grade
                self.watcher.events.put(("saved", str(target)))
                return


class _KeyReader:
    """Keys from stdin onto the event queue: single keys on a terminal, one per line otherwise."""

    def __init__(self, events: queue.Queue, stop: threading.Event) -> None:
        self.events = events
        self.stop = stop
        self._saved_mode: list[Any] | None = None  # the terminal mode to restore
        self._fd: int | None = None

    def start(self) -> None:
        try:
            fd = sys.stdin.fileno()
        except (AttributeError, OSError, ValueError):
            return  # no stdin at all: regrade on save until Ctrl-C
        if os.isatty(fd):
            import termios
            import tty

            self._fd = fd
            self._saved_mode = termios.tcgetattr(fd)
            tty.setcbreak(fd)  # keys without Enter; Ctrl-C still interrupts
            threading.Thread(target=self._read_keys, args=(fd,), daemon=True).start()
        else:
            threading.Thread(target=self._read_lines, daemon=True).start()

    def _read_keys(self, fd: int) -> None:
        while not self.stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            data = os.read(fd, 1)
            if not data:
                self.events.put(("eof",))
                return
            self.events.put(("key", data.decode(errors="replace")))

    def _read_lines(self) -> None:
        for line in sys.stdin:
            key = line.strip()[:1]
            if key:
                self.events.put(("key", key))
        self.events.put(("eof",))

    def restore(self) -> None:
        if self._saved_mode is not None and self._fd is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved_mode)
            self._saved_mode = None
