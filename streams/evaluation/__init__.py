"""Evaluations of the product against the data sets in ../shared/data (``make eval``)."""
