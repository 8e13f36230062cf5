"""Evidence fingerprints: is this sentence a copy of one already counted?

The same wire story is republished by many outlets, sometimes with the speaker
spelled differently ("South Korea's NIS", "the NIS"). Supersede-by-source
catches the first case; this module catches the second by comparing the
evidence text itself. Two fingerprints are kept per observation: a hash of the
normalised text (exact copies) and a bottom-k sketch of word 3-shingles (near
copies: a changed word or two). Hashes are CRC32/BLAKE2 — stable across
processes, unlike Python's salted ``hash()`` — so states replay bit for bit.
A bottom-k sketch is a MinHash variant with a single hash function: cheap
enough to compute for every event at the replay rates the benchmark asks for.
"""

from __future__ import annotations

import hashlib
import re
import zlib

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric tokens; punctuation and spacing are not evidence."""
    return _WORD.findall(text.lower())


def text_hash(tokens: list[str]) -> str:
    """Hash of the normalised text (16 hex chars); equal for exact copies."""
    return hashlib.blake2b(" ".join(tokens).encode(), digest_size=8).hexdigest()


def sketch(tokens: list[str], k: int) -> tuple[int, ...]:
    """The ``k`` smallest hashes of the text's word 3-shingles, sorted.

    A shingle's hash mixes the CRC32 of its three words (one C call per word
    rather than one per shingle string), modulo 2**32.
    """
    hs = list(map(zlib.crc32, map(str.encode, tokens)))
    if len(hs) < 3:
        return (zlib.crc32(" ".join(tokens).encode()),)
    m = 0xFFFFFFFF
    triples = zip(hs, hs[1:], hs[2:], strict=False)
    shingles = {(a * 0x9E3779B1 + b * 0x85EBCA77 + c) & m for a, b, c in triples}
    return tuple(sorted(shingles)[:k])


def jaccard(a: tuple[int, ...], b: tuple[int, ...], k: int) -> float:
    """Estimated Jaccard similarity of two bottom-k sketches.

    The k smallest hashes of the union are a uniform sample of it; the share of
    that sample present in both sketches estimates |A∩B|/|A∪B|.
    """
    if not a or not b:
        return 0.0
    sa, sb = set(a), set(b)
    union = sorted(sa | sb)[:k]
    both = sum(1 for h in union if h in sa and h in sb)
    return both / len(union)
