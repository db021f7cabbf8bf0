"""The pure models of AWS's documented semantics: IAM policy evaluation, DynamoDB capacity, S3
lifecycle, SNS delivery and filtering, VPC reachability. Each imports nothing from the engine
(gateway, grading, classroom, backends, commands): the behaviours, commands and labs use them, and
tests/engine/test_layers.py holds them to it."""
