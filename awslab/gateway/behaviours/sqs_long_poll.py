"""Long polls on virtual time: a 20 s wait on an empty queue costs no real second.

The learner's ReceiveMessage is forwarded as a short poll; while nothing is available and the
wait has not run out, virtual time moves on a second at a time (so a message whose visibility
timeout lapses during the wait is returned, as in AWS). On a backend that cannot follow virtual
time (LocalStack), the wait is forwarded in real time, capped (settings["real_long_poll_cap"]).
The effective wait, with where it came from, is noted in the request log for checks.
"""

from __future__ import annotations

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..queue_configuration import queue_configuration
from ..wire import Response

# https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
MAX_WAIT_SECONDS = 20


class VirtualLongPoll:
    name = "sqs_long_poll"
    services = frozenset({"sqs"})
    operations = frozenset({"ReceiveMessage"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        if call.service != "sqs" or call.operation != "ReceiveMessage":
            return forward(call)
        wait, origin = self._effective_wait(call, gateway)
        call.note("wait_seconds", wait)
        call.note("wait_origin", origin)
        if wait <= 0 or wait > MAX_WAIT_SECONDS:
            # Out of AWS's 0-20 range: request_limits has already refused it as AWS does; should it be
            # off, the caller's own value goes on (a short poll in its place would hide the mistake).
            return forward(call)
        if "virtual_time" not in gateway.features:
            cap = int(gateway.settings.get("real_long_poll_cap", 2))
            return forward(call.with_params({**call.params, "WaitTimeSeconds": min(wait, cap)}))
        short = call.with_params({**call.params, "WaitTimeSeconds": 0})
        waited = 0
        while True:
            response = forward(short)
            data = response.json() if response.ok else None
            if not response.ok or (data or {}).get("Messages") or waited >= wait:
                call.note("virtual_wait", waited)
                return response
            gateway.advance_for(call, seconds=1)  # S3 lifecycle and the like wait for it
            waited += 1

    @staticmethod
    def _effective_wait(call: AwsCall, gateway: Gateway) -> tuple[int, str]:
        if "WaitTimeSeconds" in call.params:
            try:
                return int(call.params["WaitTimeSeconds"]), "request"
            except (TypeError, ValueError):
                return 0, "request"  # not a number: forwarded as it is, the emulator refuses it
        queue_url = call.params.get("QueueUrl")
        if not queue_url:
            return 0, "default"
        try:
            attributes = queue_configuration(gateway, call, queue_url)
            return int(attributes.get("ReceiveMessageWaitTimeSeconds", 0)), "queue"
        except Exception:  # noqa: BLE001 - a missing queue: let the forwarded call report it
            return 0, "default"
BEHAVIOUR = VirtualLongPoll
