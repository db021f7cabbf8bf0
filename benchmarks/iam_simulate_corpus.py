"""Run the test corpus of cloud-copilot/iam-simulate against awslab.models.iam.

iam-simulate (https://github.com/cloud-copilot/iam-simulate) is an independent IAM policy
simulator; its repository holds JSON test files (`src/**/*.json`): a request, the policies, the
expected decision. This script reads them from a snapshot of that repository at run time,
converts each case into an awslab.models.iam request and prints pass/fail per file and the total.

The corpus is AGPL-licensed: it is never copied into this repository and this script is not part
of CI. Get a snapshot yourself (a clone, or a bare git directory) and point the script at it:

    git clone --depth 1 https://github.com/cloud-copilot/iam-simulate /tmp/iam-simulate
    python benchmarks/iam_simulate_corpus.py /tmp/iam-simulate [--verbose] [--file PART]

What is compared: the decision (Allowed, ImplicitlyDenied, ExplicitlyDenied). Cases that use what
awslab.models.iam does not model are counted apart, with the reason, and left out of the percentage:
iam-simulate's "Discovery" mode (which ignores conditions to list the ones that matter), VPC
endpoint policies, and the simulation-engine cases that expand a wildcard request over resource
types from iam-simulate's own catalogue. Where this project follows AWS's documentation and
iam-simulate reads it differently, the case is listed as a known difference (see docs/iam.md,
"Where awslab.models.iam and iam-simulate differ") and also left out of the percentage.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from awslab.models.iam import PolicyError, Request, RequestError, evaluate

DEFAULT_SNAPSHOT = Path("/work/.mirror/cloud-copilot+iam-simulate/repo")
# AWS's RCPFullAWSAccess, attached at every level once RCPs are enabled.
RCP_FULL_ACCESS = {"Version": "2012-10-17",
                   "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}

# Cases where awslab.models.iam follows AWS's pages and iam-simulate does not (file, case name): why.
# docs/iam.md explains each one with its source.
_PRINCIPAL_IN_IDENTITY = ("an identity policy with a Principal element: IAM refuses it (MalformedPolicyDocument, "
                          "reference_policies_elements_principal.html); awslab.models.iam raises PolicyError")
_NO_PRINCIPAL = ("a resource policy statement without Principal: AWS refuses to store it "
                 "(reference_policies_elements_principal.html); awslab.models.iam raises PolicyError")
_ALLOW_NOT_PRINCIPAL = ("Allow with NotPrincipal, which AWS does not support (reference_policies_elements_notprincipal"
                        ".html); awslab.models.iam reads it as a Deny's NotPrincipal: it applies unless the account is named too")
KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {
    ("blog.json", "explicit deny without context key"): _PRINCIPAL_IN_IDENTITY,
    ("blog.json", "explicit deny with sensitive value in context key"): _PRINCIPAL_IN_IDENTITY,
    ("blog.json", "Allowed when context key present"): _PRINCIPAL_IN_IDENTITY,
    ("sessions.json", "Deny role when resource policy denies for role"): _PRINCIPAL_IN_IDENTITY,
    ("sessions.json", "Deny session when resource policy denies for role"): _PRINCIPAL_IN_IDENTITY,
    ("noPrincipalElement.json", "Statement without Principal never matches (Allow)"): _NO_PRINCIPAL,
    ("noPrincipalElement.json", "Statement without Principal does not deny when identity allows"): _NO_PRINCIPAL,
    ("noPrincipalElement.json", "Statement without Principal is skipped; sibling statement still applies"): _NO_PRINCIPAL,
    ("notPrincipal.json", "Denied when NotPrincipal is the same principal"): _ALLOW_NOT_PRINCIPAL,
    ("notPrincipal.json", "Denied when NotPrincipal an array including the same principal"): _ALLOW_NOT_PRINCIPAL,
    ("boundaryNotPrincipalDenyResource.json", "Same Account: NotPrincipal/Deny in Resource Policy should allow"): (
        "a Deny whose NotPrincipal names the role but not its account: AWS says to name the account too, or the "
        "statement may deny the whole account (reference_policies_elements_notprincipal.html); awslab.models.iam denies"),
    ("sessionPolicies.json", "Implicit deny in session policy denies even if session ARN in resource policy"): (
        "a resource policy naming the session's ARN: AWS says those permissions are not limited by the session "
        "policy (access_policies.html#policies_session); awslab.models.iam allows"),
}
# Files whose every case is about something awslab.models.iam does not model.
NOT_MODELLED_FILES = {
    "resourceWildcards/requestWildcards.json": "requests for \"*\" meaning any resource (an AWS request names one)",
}


@dataclass
class FileResult:
    path: str
    passed: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (case, what awslab said)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (case, why)
    differs: list[tuple[str, str]] = field(default_factory=list)  # (case, why: a known difference)


class Snapshot:
    """The JSON files of the snapshot: a working tree or a bare git directory."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bare = not (root / "src").is_dir()

    def files(self) -> list[str]:
        if not self.bare:
            return sorted(str(p.relative_to(self.root)) for p in (self.root / "src").rglob("*.json"))
        out = subprocess.run(["git", "--git-dir", str(self.root), "ls-tree", "-r", "--name-only", "HEAD", "src"],
                             check=True, capture_output=True, text=True).stdout
        return sorted(p for p in out.splitlines() if p.endswith(".json"))

    def read(self, path: str) -> Any:
        if not self.bare:
            return json.loads((self.root / path).read_text(encoding="utf-8"))
        out = subprocess.run(["git", "--git-dir", str(self.root), "show", f"HEAD:{path}"],
                             check=True, capture_output=True, text=True).stdout
        return json.loads(out)


def _document(policy: Any) -> Any:
    """A policy as AWS would store it. The simulation tests wrap each one as {name, policy}.
    iam-simulate also accepts a bare ARN as Principal, which AWS refuses ("*" is the only bare
    string it takes): it is rewritten {"AWS": ARN}, which is what the test means."""
    if isinstance(policy, dict) and "policy" in policy and "Statement" not in policy:
        policy = policy["policy"]
    if not isinstance(policy, dict):
        return policy
    raw = policy.get("Statement")
    statements = raw if isinstance(raw, list) else [raw]
    fixed = []
    for statement in statements:
        if isinstance(statement, dict):
            for element in ("Principal", "NotPrincipal"):
                value = statement.get(element)
                if isinstance(value, str) and value != "*":
                    statement = {**statement, element: {"AWS": value}}
        fixed.append(statement)
    return {**policy, "Statement": fixed if isinstance(raw, list) else fixed[0]}


def _documents(policies: list | None) -> list:
    return [_document(p) for p in policies or []]


def _levels(levels: list[dict] | None, extra: list[dict] = ()) -> list[list[dict]] | None:
    if not levels:
        return None
    return [list(extra) + _documents(level.get("policies")) for level in levels]


def _principal(principal: Any) -> str | None:
    if isinstance(principal, dict) and str(principal.get("type", "")).lower() == "anonymous":
        return "anonymous"
    return principal


def _wildcard_request(resource: str, request: dict) -> str | None:
    """iam-simulate lets a request name a pattern of resources ("*" or "bucket/*"): any resource it
    covers. An AWS request names one resource; "*" is its resource only for actions that have no
    resource type (iam-simulate's wildcardOnlyAction)."""
    if ("*" in resource or "?" in resource) and not request.get("wildcardOnlyAction") and resource != "*":
        return "a request for a pattern of resources (an AWS request names one resource)"
    return None


def _boundary(boundaries: list[dict] | None) -> dict | None:
    """iam-simulate takes a list of boundaries (any one allowing is enough): one policy of all statements."""
    if not boundaries:
        return None
    if len(boundaries) == 1:
        return boundaries[0]
    statements: list = []
    for policy in boundaries:
        raw = policy.get("Statement", [])
        statements.extend(raw if isinstance(raw, list) else [raw])
    return {"Version": boundaries[0].get("Version", "2012-10-17"), "Statement": statements}


def _resource(resource: Any) -> tuple[str, str | None]:
    if isinstance(resource, dict):
        return resource.get("resource") or "*", resource.get("accountId")
    return (resource or "*"), None


def core_case(case: dict) -> tuple[str | None, str]:
    """(awslab's decision or None when not modelled, expected or the reason it is not modelled)."""
    mode = (case.get("simulation") or {}).get("mode", "Strict")
    if mode != "Strict":
        return None, f"{mode} mode (iam-simulate ignores conditions to find the ones that matter)"
    if case.get("endpointPolicies"):
        return None, "VPC endpoint policies"
    request = case["request"]
    resource, account = _resource(request.get("resource"))
    if why := _wildcard_request(resource, request):
        return None, why
    decision = evaluate(
        Request(action=request["action"], resource=resource, principal=_principal(request.get("principal")),
                context=request.get("context") or {}, resource_account=account),
        identity_policies=_documents(case.get("identityPolicies")),
        resource_policy=_document(case.get("resourcePolicy")) if case.get("resourcePolicy") else None,
        permission_boundary=_boundary(_documents(case.get("permissionBoundaries"))),
        session_policy=_document(case.get("sessionPolicy")) if case.get("sessionPolicy") else None,
        scps=_levels(case.get("serviceControlPolicies")),
        # iam-simulate's runner adds AWS's default RCPFullAWSAccess at every level, as AWS does.
        rcps=_levels(case.get("resourceControlPolicies"), [RCP_FULL_ACCESS]),
    )
    return decision.decision, case["expected"]["response"]


def simulation_case(case: dict) -> tuple[str | None, str]:
    simulation = case["simulation"]
    expected = case["expected"]
    if expected.get("resultType") != "single":
        return None, "a wildcard request expanded over resource types from iam-simulate's catalogue"
    if (case.get("simulationOptions") or {}).get("simulationMode", "Strict") != "Strict":
        return None, "Discovery mode"
    request = simulation["request"]
    resource, account = _resource(request.get("resource"))
    if why := _wildcard_request(resource, request):
        return None, why
    decision = evaluate(
        Request(action=request["action"], resource=resource, principal=_principal(request.get("principal")),
                context=request.get("contextVariables") or {}, resource_account=account),
        identity_policies=_documents(simulation.get("identityPolicies")),
        resource_policy=_document(simulation["resourcePolicy"]) if simulation.get("resourcePolicy") else None,
        permission_boundary=_boundary(_documents(simulation.get("permissionBoundaryPolicies"))),
        scps=_levels(simulation.get("serviceControlPolicies")),
        rcps=_levels(simulation.get("resourceControlPolicies"), [RCP_FULL_ACCESS]),
    )
    results = expected.get("results") or []
    want = expected.get("overallResult") or (results[0].get("result") if results else None)
    return decision.decision, want


def run_file(snapshot: Snapshot, path: str) -> FileResult | None:
    if "/coreEngineTests/" in path:
        runner = core_case
    elif "/simulationEngineIntegrationTests/" in path:
        runner = simulation_case
    else:
        return None
    cases = snapshot.read(path)
    if not isinstance(cases, list):
        return None
    result = FileResult(path)
    short = path.split("Tests/", 1)[-1]
    for case in cases:
        name = case.get("name", "?")
        if short in NOT_MODELLED_FILES:
            result.skipped.append((name, NOT_MODELLED_FILES[short]))
            continue
        if case.get("skip"):
            result.skipped.append((name, "skipped by iam-simulate itself"))
            continue
        try:
            got, want = runner(case)
        except (PolicyError, RequestError) as error:
            got, want = f"error: {error}", case.get("expected", {}).get("response", "?")
        if got is None:
            result.skipped.append((name, want))
        elif got == want:
            result.passed.append(name)
        elif (short, name) in KNOWN_DIFFERENCES:
            result.differs.append((name, KNOWN_DIFFERENCES[(short, name)]))
        else:
            result.failed.append((name, f"expected {want}, awslab.models.iam says {got}"))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("snapshot", nargs="?", type=Path, default=DEFAULT_SNAPSHOT,
                        help="a clone of cloud-copilot/iam-simulate, or a bare git directory of it")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every failing and skipped case")
    parser.add_argument("--file", help="only the files whose path contains this text")
    args = parser.parse_args(argv)
    if not args.snapshot.exists():
        print(f"error: no snapshot at {args.snapshot} (clone cloud-copilot/iam-simulate and pass its path)",
              file=sys.stderr)
        return 2
    snapshot = Snapshot(args.snapshot)
    results = [r for p in snapshot.files() if (not args.file or args.file in p)
               for r in [run_file(snapshot, p)] if r is not None]
    passed = sum(len(r.passed) for r in results)
    failed = sum(len(r.failed) for r in results)
    skipped = sum(len(r.skipped) for r in results)
    differs = sum(len(r.differs) for r in results)
    for r in results:
        total = len(r.passed) + len(r.failed)
        status = "PASS" if not r.failed else "FAIL"
        extra = "".join(
            f", {n} {what}" for n, what in ((len(r.differs), "known differences"), (len(r.skipped), "not modelled")) if n
        )
        print(f"{status}  {len(r.passed):3d}/{total:<3d} {r.path.split('src/', 1)[-1]}{extra}")
        for name, why in r.failed:
            print(f"        fail: {name}: {why}")
        if args.verbose:
            for name, why in r.differs:
                print(f"        known difference: {name}: {why}")
            for name, why in r.skipped:
                print(f"        not modelled: {name}: {why}")
    total = passed + failed
    share = 100.0 * passed / total if total else 0.0
    strict = 100.0 * passed / (total + differs) if total + differs else 0.0
    print(f"\ntotal: {passed}/{total} passed ({share:.1f}%); {differs} known differences (awslab follows AWS's "
          f"pages, see docs/iam.md), left out; counted as misses: {passed}/{total + differs} ({strict:.1f}%); "
          f"{skipped} cases not modelled")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
