"""Mutated pictures never escape as anything but a refusal (RELIABILITY dashboard 4)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lookbook.images.errors import ImageRejected
from lookbook.images.ingest import process
from tests.image_samples import animated_gif, encode, photo

SEEDS = {
    "jpeg": encode(photo((64, 48)), "JPEG", quality=80),
    "png": encode(photo((64, 48), mode="RGBA"), "PNG"),
    "webp": encode(photo((64, 48)), "WEBP", quality=70),
    "gif": animated_gif(3, [(255, 0, 0), (0, 0, 255)]),
}


@st.composite
def mutated(draw):
    data = bytearray(SEEDS[draw(st.sampled_from(sorted(SEEDS)))])
    for _ in range(draw(st.integers(1, 6))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del data[at: at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            data[at: at + 8] = b"\xff" * 8
        if not data:
            break
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_a_mutated_picture_is_stored_or_refused_never_an_error(data):
    try:
        out = process(data)
    except ImageRejected as exc:
        assert exc.status in (413, 415, 422)
        return
    assert out.renditions and len(out.digest) == 64


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_seed_is_accepted(name):
    assert process(SEEDS[name]).renditions
