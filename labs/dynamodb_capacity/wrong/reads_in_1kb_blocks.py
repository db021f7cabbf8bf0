"""Wrong answer: counts reads in 1 KB blocks, like writes."""

import math

import random

import time

READ_BLOCK = 1024
