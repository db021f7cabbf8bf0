"""GetObject on a delete marker answers as S3 does (https://docs.aws.amazon.com/AmazonS3/latest/userguide/DeleteMarker.html,
https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html):
- latest version a delete marker, no version id: 404 NoSuchKey with `x-amz-delete-marker: true` and the
  marker's `x-amz-version-id`;
- the version id of a delete marker: 405 MethodNotAllowed with `x-amz-delete-marker: true`.
moto answers 404 without the headers (and NoSuchVersion for a marker's id); its HeadObject has them, so
the behaviour asks HeadObject when a GetObject is not found.
"""

from __future__ import annotations

import botocore.exceptions

from ..aws_request import AwsCall
from ..core import Forward, Gateway
from ..errors import aws_error
from ..wire import Response


class S3DeleteMarkers:
    name = "s3_delete_markers"
    services = frozenset({"s3"})

    def handle(self, call: AwsCall, forward: Forward, gateway: Gateway) -> Response:
        response = forward(call)
        if call.service != "s3" or call.operation != "GetObject" or response.status != 404:
            return response
        bucket, key, version = call.params.get("Bucket"), call.params.get("Key"), call.params.get("VersionId")
        if not isinstance(bucket, str) or not isinstance(key, str):
            return response
        try:
            gateway.internal_client("s3").head_object(Bucket=bucket, Key=key, **({"VersionId": version} if version else {}))
            return response
        except botocore.exceptions.ClientError as error:
            headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        if headers.get("x-amz-delete-marker") != "true":
            return response
        marker = [("x-amz-delete-marker", "true"), ("x-amz-version-id", headers.get("x-amz-version-id", ""))]
        if version:
            refused = aws_error(call, "MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
            extra = [("Last-Modified", headers["last-modified"])] if headers.get("last-modified") else []
            return Response(405, refused.headers + marker + extra, refused.body)
        return response.with_headers(marker)


BEHAVIOUR = S3DeleteMarkers
