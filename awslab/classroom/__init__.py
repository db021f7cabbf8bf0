"""Classroom grading: a folder of untrusted submissions in, a gradebook, feedback and a summary out.

- `driver.grade_class`: a worker process per student (`worker`), fenced off as far as the machine
  allows (`isolation`), in parallel, resumable;
- `gradebook`: CSV, JSON and per-student feedback; `summary`: the class at a glance;
- `gradescope` and `github`: the same grading inside Gradescope and GitHub Classroom.
"""

from .driver import Settings, grade_class
from .roster import Student, find_students

__all__ = ["Settings", "Student", "find_students", "grade_class"]
