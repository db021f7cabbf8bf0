"""The EC2 protocol: the query protocol with EC2's own naming and list rules.

botocore's `EC2Serializer` names a member by its `queryName`, else by its `locationName` with the
first letter capitalised, else by the member's name; every list is flat (`Filter.1.Value.2`, never
`.member.`), and an empty list is not sent at all. moto's EC2 query parser reads the same way.
"""

from __future__ import annotations

from botocore.model import Shape

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
