"""Benchmarks behind ``make bench``: each module's ``run()`` returns its figures.

Every figure that matters is a ratio against a baseline measured in the same
process and the same run, because the machines are shared and noisy: an
absolute rate means little, a ratio to the bare parser or the bare HTTP POST
beside it means a lot.
"""
