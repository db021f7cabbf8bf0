"""Wrong answer: rotate() asks for the rotation status instead of turning rotation on."""


def rotate(kms, key_id):
    return kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"]
