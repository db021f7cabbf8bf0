"""Small pages for list calls, so that code which ignores pagination fails with a few dozen items.

On when `gateway.settings["page_size"]` is set; the learner's own smaller page size is kept.
"""

from __future__ import annotations

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..wire import Response

# operation -> page size parameter of the S3 list calls
_S3_LISTS = {"ListObjectVersions": "MaxKeys", "ListObjects": "MaxKeys", "ListObjectsV2": "MaxKeys",
             "ListMultipartUploads": "MaxUploads", "ListParts": "MaxParts"}
# JSON services: operation -> parameter
_JSON_LISTS = {
    ("sqs", "ListQueues"): "MaxResults",
    ("sqs", "ListDeadLetterSourceQueues"): "MaxResults",
    ("dynamodb", "Scan"): "Limit",
    ("dynamodb", "Query"): "Limit",
    ("dynamodb", "ListTables"): "Limit",
}


class SmallPages:
    name = "pagination"
    services = frozenset({"s3", "sqs", "dynamodb"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        size = gateway.settings.get("page_size")
        if not size:
            return forward(call)
        param: str | None
        if call.service == "s3" and call.operation in _S3_LISTS:
            param = _S3_LISTS[call.operation]
        else:
            param = _JSON_LISTS.get((call.service, call.operation)) if call.protocol == "json" else None
        if param:
            asked = call.params.get(param)
            effective = min(int(asked), size) if asked else size
            call.note("page_size", effective)
            return forward(call.with_params({**call.params, param: effective}))
        return forward(call)
BEHAVIOUR = SmallPages
