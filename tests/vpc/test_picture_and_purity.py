"""The flow picture names each hop and the rule that refused; the model imports nothing of the engine."""

from __future__ import annotations

import subprocess
import sys

from rich.console import Console

from awslab.lab import render_flow, vpc
from awslab.models.vpc import decide

from .conftest import INTERNET, Vpc, entry, permission


def _text(picture) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(picture)
    return console.export_text()


def test_flow_picture_shows_every_hop_and_where_it_was_refused():
    v = (Vpc().group("sg-web", [permission(443, cidr="0.0.0.0/0")]).host("10.0.1.10", "a", "sg-web", public="198.18.0.10")
         .acl("a", entry(100, "allow", ports=443)))
    text = _text(render_flow(decide(v.d, {"source": INTERNET, "destination": "198.18.0.10", "port": 443,
                                          "client": "windows"}), "internet → web"))
    assert "internet → web: REFUSED" in text
    assert "request →" in text and "← reply" in text
    assert "✓ NACL acl-a of subnet-a (a), inbound" in text
    assert "✗ NACL acl-a of subnet-a (a), outbound  ← refused here" in text
    assert "the reply on port 49152-65535 is denied by rule * (deny all)" in text
    assert "security groups are stateful" in text


def test_labs_reach_the_model_and_picture_through_the_lab_api():
    assert vpc.decide is decide and callable(render_flow)


def test_the_vpc_model_imports_nothing_of_the_engine():
    loaded = subprocess.run([sys.executable, "-c", "import sys, awslab.models.vpc; "
                             "print(' '.join(m for m in sys.modules if m.startswith('awslab')))"],
                            capture_output=True, text=True, check=True).stdout.split()
    assert loaded and all(m in ("awslab", "awslab.models") or m.startswith("awslab.models.vpc") for m in loaded), loaded
