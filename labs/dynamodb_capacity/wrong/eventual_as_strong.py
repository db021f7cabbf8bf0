"""Wrong answer: counts eventually consistent reads as strong ones."""

import math

import random

import time

READ_FACTOR = {"strong": 1.0, "eventual": 1.0, "transactional": 2.0}
