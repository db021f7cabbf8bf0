"""Each botocore model is read from disk once per process, however many Sessions moto makes."""

from __future__ import annotations

import subprocess
import sys

import botocore.session
import pytest

# In a fresh process: moto's EC2 module makes three Sessions while it is imported, its parser a
# Loader per model, the grader's client one more; each used to read the 3 MB EC2 model again.
COUNT_EC2_MODEL_READS = """
import os
import botocore.loaders
reads = []
original = botocore.loaders.JSONFileLoader._load_file
def counted(self, full_path, open_method):
    if "ec2" in full_path and "service-2" in full_path and "extras" not in full_path and os.path.isfile(full_path):
        reads.append(full_path)
    return original(self, full_path, open_method)
botocore.loaders.JSONFileLoader._load_file = counted
from awslab.local_aws import LocalAWS
with LocalAWS("moto") as aws:
    aws.client("ec2").describe_vpcs()
    aws.client("ec2").describe_security_groups()
print(len(reads))
"""


def test_the_ec2_model_is_read_once_for_clients_and_moto():
    done = subprocess.run([sys.executable, "-c", COUNT_EC2_MODEL_READS], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    # One loader for every Session (the grader's clients, moto's region lists), whose model moto's
    # parser reads too (with moto's extras merged into a copy: the next test).
    assert done.stdout.strip() == "1"


def test_moto_extras_stay_out_of_the_clients_model():
    import moto.core.utils

    from awslab.service_models import share_loaders

    share_loaders()
    clients = botocore.session.get_session().get_component("data_loader")
    assert clients is not moto.core.utils.create_loader()
    assert clients is botocore.session.Session().get_component("data_loader")


@pytest.mark.parametrize("service", ["ec2", "s3", "sqs", "dynamodb", "iam", "sns", "kms", "sts", "lambda"])
def test_moto_reads_the_model_it_would_read_alone_and_the_clients_model_stays_botocores(service):
    """ec2, s3 and sqs have moto extras (merged into a copy), the others none (the clients' model)."""
    import json

    import botocore.loaders
    import moto.core.loaders
    import moto.core.utils

    from awslab.service_models import share_loaders

    share_loaders()
    alone = moto.core.loaders.Loader(extra_search_paths=[moto.core.loaders.moto_root])
    assert json.dumps(moto.core.utils._load_service_model(service, "service-2")) == \
        json.dumps(alone.load_service_model(service, "service-2"))
    clients = botocore.session.Session().get_component("data_loader").load_service_model(service, "service-2")
    assert json.dumps(clients) == json.dumps(botocore.loaders.Loader().load_service_model(service, "service-2"))
