"""Which pairs of source names may be one speaker (the guard on the copy check)."""

from __future__ import annotations

import pytest

from streams.consensus.names import same_speaker


@pytest.mark.parametrize(("a", "b"), [
    ("South Korea's NIS", "the NIS"),                     # one name inside the other
    ("National Intelligence Service", "NIS"),             # acronym
    ("Ministry of Defence", "MoD"),                       # acronym with its "of"
    ("Ukrainian Defence Ministry", "the ministry"),       # a description of it
    ("the provincial governor", "North Kivu governor"),   # same office, described
    ("Governor of North Kivu", "the provincial governor"),  # head word before "of"
    ("local police", "police"),
    ("Ukrainian intelligence", "Ukraine's intelligence service"),  # country = its adjective
])
def test_names_of_one_speaker(a: str, b: str) -> None:
    assert same_speaker(a, b)
    assert same_speaker(b, a)


@pytest.mark.parametrize(("a", "b"), [
    ("Yahoo Finance", "Google Finance"),     # two proper names with a common head
    ("yahoo finance", "google finance"),     # lower case: taken for proper names
    ("Census Bureau", "Statistics Bureau"),
    ("source 12", "source 45"),              # numbered contributors of a data set
    ("table-03", "table-05"),
    ("contributor 1234567", "contributor 1234589"),  # ids are not stemmed
    ("John Smith", "Jane Smith"),
    ("Reuters", "AP"),
    ("the", "NIS"),                          # nothing left of a name: not a match
])
def test_names_of_different_speakers(a: str, b: str) -> None:
    assert not same_speaker(a, b)
    assert not same_speaker(b, a)
