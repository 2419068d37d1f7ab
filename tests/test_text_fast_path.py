"""The text policy's shortcut for printable ASCII gives exactly the full policy's answer:
the same text back, or the same refusal, for every kind of text and every limit."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lookbook.catalog.text import IDENTIFIER, MULTILINE, ONE_LINE, TextInvalid, check_text, check_text_fully

# Characters chosen to sit on every edge of the shortcut: printable ASCII and its
# neighbours (controls, DEL, C1), whitespace that strip() removes, look-alikes that NFC or
# NFKC rewrite (fullwidth letters, ligatures, superscripts, the Kelvin sign, a combining
# accent), invisible and bidirectional marks, non-characters and a lone surrogate.
TRICKY = (
    "aZ09 ._-;#:/\\'\"~\t\n\r\x00\x07\x1b\x1f\x7f\x80\x85\x9f\xa0\xad\u00e9e\u0301"
    "\u1680\u2000\u2028\u2029\u3000\ufeff\u200b\u200d\u202e\u2066\u2060\u034f\u180e\u3164"
    "\uff21\uff41\uff10\ufb01\u00b2\u2126\u212a\u2460\ufdd0\uffff\ud800\U0001f45c\U0001fffe"
)
texts = st.one_of(
    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=30),
    st.text(alphabet=st.sampled_from(TRICKY), max_size=30),
    st.text(max_size=30),
)


def _outcome(check, value, **kw):
    try:
        return "ok", check(value, **kw)
    except TextInvalid as exc:
        return "refused", exc.message


@settings(max_examples=600, deadline=None)
@given(value=texts, kind=st.sampled_from([ONE_LINE, MULTILINE, IDENTIFIER]),
       limit=st.one_of(st.none(), st.integers(0, 25)), strip=st.booleans())
def test_the_ascii_shortcut_answers_like_the_full_policy(value, kind, limit, strip):
    kw = {"kind": kind, "limit": limit, "strip": strip}
    assert _outcome(check_text, value, **kw) == _outcome(check_text_fully, value, **kw)


@pytest.mark.parametrize("value", [
    "  Navy suit  ", "", "   ", "x" * 201, "SKU-1", "tab\there", "bell\x07", "del\x7f",
    "\uff33\uff2b\uff35-1", "caf\u00e9", "cafe\u0301", "no\u00a0break", "\u202eevil",
])
@pytest.mark.parametrize("kind", [ONE_LINE, MULTILINE, IDENTIFIER])
def test_edge_cases_answer_like_the_full_policy(value, kind):
    kw = {"kind": kind, "limit": 200}
    assert _outcome(check_text, value, **kw) == _outcome(check_text_fully, value, **kw)


@pytest.mark.parametrize("value", [None, 12, 1.5, True, b"bytes", ["list"]])
def test_what_is_not_text_is_refused_by_both(value):
    assert _outcome(check_text, value) == _outcome(check_text_fully, value) == ("refused", "must be text")
