"""Run commands as a user without root, the way an instructor without root runs `awslab grade`.

Started as root by the tests, inside a mount namespace of its own (`unshare --mount --propagation
private python unprivileged.py SPEC`): the Python runtime and awslab may live below folders only
root may enter (a pyenv under /root, a CI clone under a private temporary folder), so each such
folder is covered, in this namespace only, by an empty one that others may enter, with the paths
the user needs put back. Then it becomes SPEC's uid and gid (no supplementary groups, so no
capability is left) and runs SPEC's commands, one after the other, stopping at the first failure.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from awslab.classroom import isolation


def main() -> int:
    spec = json.loads(open(sys.argv[1]).read())
    keep = [os.path.realpath(path) for path in spec["reachable"] if os.path.exists(path)]
    for closed in sorted({isolation._closed_ancestor(path) for path in keep} - {None}):
        isolation._cover(closed, "mode=755", [p for p in keep if isolation._inside(p, closed)], read_only=False)
    os.setgroups([])
    os.setgid(spec["uid"])
    os.setuid(spec["uid"])
    for command in spec["commands"]:
        done = subprocess.run(command, env=spec["env"], cwd=spec["cwd"])
        if done.returncode != 0:
            return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
