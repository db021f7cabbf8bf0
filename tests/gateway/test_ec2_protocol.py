"""The EC2 protocol through the gateway: every parameter reaches the request log as boto3 took it.

EC2 names its query keys by `queryName` or a capitalised `locationName` and sends every list flat
(`Filter.1.Value.1`); read with the plain query protocol's rules, CreateNetworkAclEntry was logged
as `{}` and a NACL or security-group lab could not tell what the learner asked for.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from awslab.gateway import AwsCall, HttpRequest, aws_error


@pytest.fixture
def ec2(fresh_aws):
    return fresh_aws.client("ec2")


@pytest.fixture
def vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]


def _logged(aws, operation: str):
    calls = aws.log.calls("ec2", operation, source=None)
    assert calls, f"ec2.{operation} is not in the request log"
    return calls[-1].params


def test_create_network_acl_logs_vpc_id(fresh_aws, ec2, vpc):
    ec2.create_network_acl(VpcId=vpc)
    assert _logged(fresh_aws, "CreateNetworkAcl")["VpcId"] == vpc


def test_create_network_acl_entry_logs_rule_protocol_ports_cidr_and_direction(fresh_aws, ec2, vpc):
    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow", Egress=False,
                                 CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
    assert _logged(fresh_aws, "CreateNetworkAclEntry") == {
        "NetworkAclId": acl, "RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": False,
        "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}}


def test_describe_network_acls_logs_filters(fresh_aws, ec2, vpc):
    ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                       {"Name": "default", "Values": ["true", "false"]}])
    assert _logged(fresh_aws, "DescribeNetworkAcls")["Filters"] == [
        {"Name": "vpc-id", "Values": [vpc]}, {"Name": "default", "Values": ["true", "false"]}]


def test_authorize_security_group_ingress_logs_ip_permissions_with_group_pairs(fresh_aws, ec2, vpc):
    web = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=vpc)["GroupId"]
    db = ec2.create_security_group(GroupName="db", Description="db tier", VpcId=vpc)["GroupId"]
    permissions = [{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                    "UserIdGroupPairs": [{"GroupId": web, "Description": "from web"}],
                    "IpRanges": [{"CidrIp": "10.0.1.0/24", "Description": "office"}]}]
    ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=permissions)
    assert _logged(fresh_aws, "AuthorizeSecurityGroupIngress") == {"GroupId": db, "IpPermissions": permissions}



def test_ec2_error_written_by_the_gateway_is_the_one_boto3_raises():
    from botocore.parsers import create_parser

    from awslab.gateway.aws_request import service_model

    http = HttpRequest("POST", "/", "/", "", {}, b"Action=DescribeVpcs&Version=2016-11-15")
    call = AwsCall("ec2", "DescribeVpcs", {}, "us-east-1", None, "ec2", http)
    response = aws_error(call, "UnauthorizedOperation", "You are not authorized to perform this operation.", 403)
    parsed = create_parser("ec2").parse(
        {"status_code": response.status, "headers": dict(response.headers), "body": response.body},
        service_model("ec2").operation_model("DescribeVpcs").output_shape)
    assert parsed["Error"]["Code"] == "UnauthorizedOperation"
    assert parsed["Error"]["Message"] == "You are not authorized to perform this operation."


def test_ec2_error_from_the_emulator_reaches_the_learner(ec2):
    with pytest.raises(ClientError) as raised:
        ec2.create_network_acl(VpcId="vpc-doesnotexist")
    assert raised.value.response["Error"]["Code"].startswith("InvalidVpc")
