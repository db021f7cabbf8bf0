"""Wrong answer: rounds sizes down (floor) instead of up."""

import math

import random

import time

def read_capacity_units(item_size_bytes, reads_per_second, consistency):
    blocks = item_size_bytes // READ_BLOCK
    return blocks * READ_FACTOR[consistency] * reads_per_second

def write_capacity_units(item_size_bytes, writes_per_second, transactional=False):
    blocks = item_size_bytes // WRITE_BLOCK
    return blocks * (2 if transactional else 1) * writes_per_second
