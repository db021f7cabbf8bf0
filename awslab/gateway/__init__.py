from .aws_request import AwsCall, identify
from .core import Behaviour, Forward, Gateway
from .errors import aws_error, error_of
from .request_log import LoggedCall, RequestLog
from .wire import HttpRequest, Response

__all__ = ["AwsCall", "Behaviour", "Forward", "Gateway", "HttpRequest", "LoggedCall", "RequestLog", "Response",
           "aws_error", "error_of", "identify"]
