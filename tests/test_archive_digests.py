"""SM3 against GB/T 32905's vectors on both backends; SHA-256; streamed file digests."""

import hashlib

import pytest

from docgen.archive import digests

# GB/T 32905-2016 Appendix A
VECTORS = [
    (b"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    (b"abcd" * 16, "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"),
]
BACKENDS = ["gmssl"] + (["openssl"] if digests.openssl_has_sm3() else [])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("data,want", VECTORS)
def test_sm3_standard_vectors(backend, data, want):
    assert digests.sm3(data, backend=backend).hexdigest() == want


@pytest.mark.parametrize("backend", BACKENDS)
def test_sm3_incremental_equals_one_shot(backend):
    h = digests.sm3(backend=backend)
    for part in (b"ab", b"c"):
        h.update(part)
    assert h.hexdigest() == VECTORS[0][1]


def test_both_backends_agree_on_longer_text():
    data = "民主评议工作实施方案".encode() * 1000
    assert digests.sm3(data, backend="gmssl").hexdigest() == digests.sm3(data).hexdigest()


def test_digest_file_streams_and_names_algorithms(tmp_path):
    data = bytes(range(256)) * 9000  # > 2 chunks
    p = tmp_path / "f.bin"
    p.write_bytes(data)
    seen = []
    found, size = digests.digest_file(p, inspect=seen.append)
    assert size == len(data) and len(seen) == 3
    assert found == digests.digest_bytes(data)
    assert set(found) == {"SM3", "SHA-256"}
    assert found["SHA-256"] == hashlib.sha256(data).hexdigest()


def test_unknown_algorithm_is_refused():
    with pytest.raises(ValueError, match="SM3"):
        digests.new("MD5")
