"""Password hashing: salted PBKDF2-HMAC-SHA256 from the standard library (hashlib).

Stored form (one string, no secret in it): ``pbkdf2_sha256$<iterations>$<salt b64>$<hash b64>``.
The iteration count is part of the string, so raising :data:`ITERATIONS` later keeps old hashes
verifiable. 600,000 iterations is OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

ALGORITHM = "pbkdf2_sha256"
ITERATIONS = 600_000
SALT_BYTES = 16
MIN_ITERATIONS = 100_000  # below this a stored hash is rejected as too weak


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(password: str, *, iterations: int = ITERATIONS, salt: bytes | None = None) -> str:
    if not password:
        raise ValueError("empty password")
    salt = salt if salt is not None else secrets.token_bytes(SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, iterations)
    return f"{ALGORITHM}${iterations}${_b64(salt)}${_b64(digest)}"


def is_password_hash(value: str) -> bool:
    parts = value.split("$")
    return len(parts) == 4 and parts[0] == ALGORITHM and parts[1].isdigit()


def verify_password(password: str, stored: str) -> bool:
    """Constant-time check of ``password`` against a stored hash; False on any malformed hash."""
    if not password or not is_password_hash(stored):
        return False
    _, iterations, salt_b64, hash_b64 = stored.split("$")
    n = int(iterations)
    if n < MIN_ITERATIONS:
        return False
    try:
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
    except ValueError:
        return False
    actual = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, n)
    return hmac.compare_digest(actual, expected)
