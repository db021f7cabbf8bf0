"""Small pages for list calls, so that code which ignores pagination fails with a few dozen items.

On when `gateway.settings["page_size"]` is set; the learner's own smaller page size is kept.
"""

from __future__ import annotations

import urllib.parse

from ..aws_request import AwsCall, HttpRequest
from ..core import Forward, Gateway
from ..wire import Response

# operation -> (query parameter, boto3 parameter) of the S3 list calls
_S3_LISTS = {
    "ListObjectVersions": ("max-keys", "MaxKeys"),
    "ListObjects": ("max-keys", "MaxKeys"),
    "ListObjectsV2": ("max-keys", "MaxKeys"),
    "ListMultipartUploads": ("max-uploads", "MaxUploads"),
    "ListParts": ("max-parts", "MaxParts"),
}
# JSON services: operation -> parameter
_JSON_LISTS = {
    ("sqs", "ListQueues"): "MaxResults",
    ("sqs", "ListDeadLetterSourceQueues"): "MaxResults",
    ("dynamodb", "Scan"): "Limit",
    ("dynamodb", "Query"): "Limit",
    ("dynamodb", "ListTables"): "Limit",
}


class SmallPages:
    name = "small_pages"

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        size = gateway.settings.get("page_size")
        if not size:
            return forward(call)
        if call.service == "s3" and call.operation in _S3_LISTS:
            query_name, param = _S3_LISTS[call.operation]
            asked = call.params.get(param)
            effective = min(int(asked), size) if asked else size
            query = urllib.parse.parse_qs(call.http.query, keep_blank_values=True)
            query[query_name] = [str(effective)]
            http = HttpRequest(call.http.method, call.http.path, call.http.raw_path,
                               urllib.parse.urlencode(query, doseq=True), call.http.headers, call.http.body)
            call.note("page_size", effective)
            return forward(AwsCall(call.service, call.operation, call.params, call.region, call.access_key,
                                   call.protocol, http, call.log_entry))
        param = _JSON_LISTS.get((call.service, call.operation))
        if param and call.protocol == "json":
            asked = call.params.get(param)
            effective = min(int(asked), size) if asked else size
            call.note("page_size", effective)
            return forward(call.with_params({**call.params, param: effective}))
        return forward(call)
BEHAVIOUR = SmallPages
