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


# In a fresh process (an S3 client that made calls earlier in this one has changed its own model).
COMPARE_MODELS = """
import json, sys
import botocore.loaders, botocore.session
import moto.core.loaders, moto.core.utils
from awslab.service_models import share_loaders
share_loaders()
service = sys.argv[1]
alone = moto.core.loaders.Loader(extra_search_paths=[moto.core.loaders.moto_root])
assert json.dumps(moto.core.utils._load_service_model(service, "service-2")) == \\
    json.dumps(alone.load_service_model(service, "service-2")), "moto's model is not the one it reads alone"
clients = botocore.session.Session().get_component("data_loader").load_service_model(service, "service-2")
assert json.dumps(clients) == json.dumps(botocore.loaders.Loader().load_service_model(service, "service-2")), \\
    "the clients' model is not botocore's"
"""


@pytest.mark.parametrize("service", ["ec2", "s3", "sqs", "dynamodb", "iam", "sns", "kms", "sts", "lambda"])
def test_moto_reads_the_model_it_would_read_alone_and_the_clients_model_stays_botocores(service):
    """ec2, s3 and sqs have moto extras (merged into a copy), the others none (the clients' model)."""
    done = subprocess.run([sys.executable, "-c", COMPARE_MODELS, service], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]


# An S3 client's first ListObjectVersions rewrites its operation model's requestUri in place
# ("/{Bucket}?versions" -> "?versions"); moto must still read S3's model as botocore ships it.
S3_MODEL_AFTER_CLIENT_CALLS = """
import moto.core.utils
from awslab.local_aws import LocalAWS
with LocalAWS("moto") as aws:
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="model-check")
    s3.list_object_versions(Bucket="model-check")
    model = moto.core.utils._load_service_model("s3", "service-2")
    print(model["operations"]["ListObjectVersions"]["http"]["requestUri"])
"""


def test_an_s3_clients_rewrite_of_its_model_never_reaches_motos_model():
    done = subprocess.run([sys.executable, "-c", S3_MODEL_AFTER_CLIENT_CALLS], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "/{Bucket}?versions"
