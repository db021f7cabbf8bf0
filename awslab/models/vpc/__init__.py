"""awslab.models.vpc: decide whether traffic flows in a VPC the way AWS documents it, and say why.

    from awslab.models.vpc import decide, describe_vpc
    d = decide(describe_vpc(ec2, vpc_id), {"source": "203.0.113.9", "destination": "10.0.1.10",
                                           "protocol": "tcp", "port": 443, "client": "windows"})
    d.allowed     # True only if the request gets in and the reply gets back on every client port
    d.refusal     # the first Hop that refused (None when allowed)
    d.explain()   # every hop on the way out, in and back, with the rule that decided it

Emulators store security groups and network ACLs and evaluate none: this is awslab's own reading of
them (the rules and their AWS pages: docs/aws-rules/vpc_reachability.md). Pure: imports nothing
from awslab's engine.
"""

from awslab.models.vpc.decide import Decision, Flow, Hop, decide
from awslab.models.vpc.describe import describe_vpc
from awslab.models.vpc.nacl import STAR, NaclRule, Segment, decide_range, rules_of
from awslab.models.vpc.network import Network
from awslab.models.vpc.protocols import ANY_CLIENT, EPHEMERAL, FlowError, protocol_number

__all__ = ["ANY_CLIENT", "EPHEMERAL", "STAR", "Decision", "Flow", "FlowError", "Hop", "NaclRule", "Network", "Segment",
           "decide", "decide_range", "describe_vpc", "protocol_number", "rules_of"]
