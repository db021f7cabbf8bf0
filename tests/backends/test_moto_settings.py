"""moto runs with awslab's settings (MOTO_SETTINGS) on both moto backends, unless the user sets them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from awslab.backends.base import moto_settings
from awslab.local_aws import LocalAWS


@pytest.mark.parametrize("backend", ["moto", "moto-server"])
def test_moto_builds_ec2_without_its_2600_public_amis(backend):
    """They cost a second of CPU after every reset and no lab uses them; a VPC is still all there."""
    with LocalAWS(backend) as aws:
        ec2 = aws.client("ec2")
        assert ec2.describe_images(Owners=["amazon"])["Images"] == []
        assert ec2.describe_vpcs()["Vpcs"]  # the default VPC, as in AWS
        aws.reset()
        assert ec2.describe_images(Owners=["amazon"])["Images"] == []


def test_a_setting_the_user_made_is_kept():
    assert moto_settings({"MOTO_EC2_LOAD_DEFAULT_AMIS": "true"}) == {"MOTO_EC2_LOAD_DEFAULT_AMIS": "true"}
    assert moto_settings({}) == {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}


def test_with_the_users_setting_embedded_moto_has_its_amis_again():
    code = ("from awslab.local_aws import LocalAWS\n"
            "with LocalAWS('moto') as aws:\n"
            "    print(len(aws.client('ec2').describe_images(Owners=['amazon'])['Images']) > 0)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "true"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"
