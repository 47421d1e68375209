"""Digests of filed files: SM3 (GB/T 32905) and SHA-256, each named by its algorithm.

SM3 comes from OpenSSL through hashlib when the build has it, else from gmssl's pure-Python SM3.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ALGORITHMS = ("SM3", "SHA-256")
CHUNK = 1 << 20


class _GmsslSM3:
    """hashlib-shaped wrapper around gmssl's SM3 (slow: used only when OpenSSL lacks SM3)."""

    name = "sm3"

    def __init__(self, data: bytes = b""):
        self._parts = bytearray(data)

    def update(self, data) -> None:
        self._parts += data

    def hexdigest(self) -> str:
        from gmssl import func, sm3

        return sm3.sm3_hash(func.bytes_to_list(bytes(self._parts)))

    def digest(self) -> bytes:
        return bytes.fromhex(self.hexdigest())

    def copy(self):
        return _GmsslSM3(bytes(self._parts))


def openssl_has_sm3() -> bool:
    try:
        hashlib.new("sm3")
    except ValueError:
        return False
    return True


def sm3(data: bytes = b"", *, backend: str | None = None):
    """A new SM3 hash object; backend 'openssl', 'gmssl' or None (the best available)."""
    if backend is None:
        backend = "openssl" if openssl_has_sm3() else "gmssl"
    if backend == "openssl":
        return hashlib.new("sm3", data)
    if backend == "gmssl":
        return _GmsslSM3(data)
    raise ValueError(f"unknown SM3 backend {backend!r}")


def new(algorithm: str):
    """A hash object for 'SM3' or 'SHA-256'."""
    if algorithm == "SM3":
        return sm3()
    if algorithm == "SHA-256":
        return hashlib.sha256()
    raise ValueError(f"unknown digest algorithm {algorithm!r}; use one of {ALGORITHMS}")


def digest_bytes(data: bytes) -> dict[str, str]:
    """{"SM3": hex, "SHA-256": hex} of `data`."""
    return {name: _with(new(name), data).hexdigest() for name in ALGORITHMS}


def digest_file(path: Path, *, inspect=None) -> tuple[dict[str, str], int]:
    """Both digests and the size of a file, read once in 1 MiB chunks.

    `inspect(chunk)`, when given, sees every chunk too (e.g. to look for PDF/A markers).
    """
    hashes = [new(name) for name in ALGORITHMS]
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            size += len(chunk)
            for h in hashes:
                h.update(chunk)
            if inspect is not None:
                inspect(chunk)
    return {name: h.hexdigest() for name, h in zip(ALGORITHMS, hashes)}, size


def _with(h, data: bytes):
    h.update(data)
    return h
