"""HTML removal keeps offsets; the language check."""

from __future__ import annotations

from streams.extraction.text import is_english, strip_html


def test_strip_html_keeps_length_and_positions() -> None:
    raw = "<div><p>Officials said <b>300</b> people died &amp; 40 were hurt.</p><script>x=1</script></div>"
    clean = strip_html(raw)
    assert len(clean) == len(raw)
    i = raw.index("300")
    assert clean[i : i + 3] == "300"
    assert "<" not in clean and "script" not in clean and "x=1" not in clean
    assert "&" in clean and "&amp;" not in clean


def test_block_tags_become_line_breaks() -> None:
    clean = strip_html("<p>First para.</p><p>Second para.</p>")
    assert "\n" in clean


def test_plain_text_untouched() -> None:
    text = "Fish & chips cost 5 < 6 pounds, he said."
    assert strip_html(text) == text


def test_language_check() -> None:
    assert is_english("South Korean officials said approximately 10,000 troops were being sent to Russia.")
    assert not is_english(
        "Die Regierung teilte am Mittwoch mit, dass etwa zehntausend Soldaten nach Russland "
        "geschickt worden seien, sagte ein Sprecher des Ministeriums in Berlin."
    )
    assert not is_english("Правительство заявило в среду, что около десяти тысяч солдат были отправлены в Россию.")
    assert is_english("Troops seen.")  # too short to judge: let it through
