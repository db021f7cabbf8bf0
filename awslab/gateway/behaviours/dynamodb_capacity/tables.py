"""CreateTable, UpdateTable, DeleteTable: what the meter knows of a table follows its life."""

from __future__ import annotations

from ...wire import Response
from .request import CapacityRequest, table_name


def create_table(r: CapacityRequest) -> Response:
    response = r.forward(r.call)
    if response.ok:
        description = (response.json() or {}).get("TableDescription")
        if description:
            r.learn(description)
    return response


def update_table(r: CapacityRequest) -> Response:
    response = r.forward(r.call)
    if response.ok and isinstance(r.params.get("TableName"), str):
        r.state.schemas.pop(table_name(r.params["TableName"]), None)
        r.table(r.params["TableName"])  # described afresh; existing buckets keep their balance
    return response


def delete_table(r: CapacityRequest) -> Response:
    response = r.forward(r.call)
    if response.ok and isinstance(r.params.get("TableName"), str):
        r.forget(r.params["TableName"])
    return response
