"""Wrong answer: rotates the key every ten years; KMS allows a rotation period of 90 to 2560 days
(ValidationException), moto accepts 3650."""


def rotate(kms, key_id):
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=3650)
