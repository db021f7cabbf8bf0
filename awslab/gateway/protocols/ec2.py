"""The EC2 protocol: the query protocol with EC2's own naming and list rules.

botocore's `EC2Serializer` names a member by its `queryName`, else by its `locationName` with the
first letter capitalised, else by the member's name; every list is flat (`Filter.1.Value.2`, never
`.member.`), and an empty list is not sent at all. moto's EC2 query parser reads the same way.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from botocore.model import ServiceModel, Shape

from ..wire import Response
from . import xml_writer
from .query import QueryReader, Tree


class Ec2Reader(QueryReader):
    def wire_name(self, shape: Shape, default: str) -> str:
        serialization = shape.serialization
        if "queryName" in serialization:
            return serialization["queryName"]
        if "name" in serialization:
            name = serialization["name"]
            return name[:1].upper() + name[1:]
        return default

    def member_key(self, member: Shape, name: str) -> str:
        return self.wire_name(member, name)

    def list_items(self, shape: Shape, node: Tree) -> Tree | None:
        return node


READER = Ec2Reader()


# --------------------------------------------------------------------------- answers
def write_result(model: ServiceModel, operation: str, data: dict | None, request_id: str) -> Response:
    """`<OperationResponse xmlns=...><requestId/>members...</OperationResponse>`: EC2 has no Result
    wrapper and names its lists' items `item`."""
    op = model.operation_model(operation)
    root = ET.Element(f"{operation}Response",
                      {"xmlns": f"http://ec2.amazonaws.com/doc/{model.metadata['apiVersion']}/"})
    ET.SubElement(root, "requestId").text = request_id
    if op.output_shape is not None and data:
        xml_writer.fill(root, op.output_shape, data)
    return Response(200, [("Content-Type", "text/xml;charset=UTF-8")], xml_writer.to_bytes(root))


def write_error(code: str, message: str, status: int, request_id: str) -> Response:
    root = ET.Element("Response")
    error = ET.SubElement(ET.SubElement(root, "Errors"), "Error")
    ET.SubElement(error, "Code").text = code
    ET.SubElement(error, "Message").text = message
    ET.SubElement(root, "RequestID").text = request_id
    return Response(status, [("Content-Type", "text/xml;charset=UTF-8")], xml_writer.to_bytes(root))
