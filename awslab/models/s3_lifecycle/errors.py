"""The one error the lifecycle model raises: an S3 error code plus an AWS-like message."""

from __future__ import annotations


class LifecycleError(ValueError):
    """A lifecycle configuration S3 would reject with HTTP 400.

    `code` is the S3 error code (InvalidArgument, InvalidRequest, MalformedXML) and `message`
    the text S3 sends with it, so the gateway can answer the learner's PUT as S3 would.
    """

    http_status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
