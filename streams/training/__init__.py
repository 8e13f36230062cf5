"""Training the extractor's learned choices from the annotated sets (``make train``)."""
