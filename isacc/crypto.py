"""Encryption at rest for secrets we must read back (Accurate tokens, inbound signing keys)."""

import hashlib
import secrets

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator


def _fernet() -> MultiFernet:
    app = current_app._get_current_object()
    cached = app.extensions.get("isacc_fernet")
    if cached is None:
        keys = [k.strip() for k in app.config["ENCRYPTION_KEYS"].split(",") if k.strip()]
        cached = app.extensions["isacc_fernet"] = MultiFernet([Fernet(k) for k in keys])
    return cached


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        # Never echo the ciphertext: say what to check instead.
        raise ValueError("a stored secret cannot be decrypted: check ENCRYPTION_KEYS") from exc


def new_secret() -> str:
    """A fresh random secret for a store (inbound signing key, webhook token)."""
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """SHA-256 of a secret: an indexed column finds its row without decrypting any other.
    (The secrets digested are long random tokens, so an unsalted hash reveals nothing.)"""
    return hashlib.sha256(secret.encode()).hexdigest()


class EncryptedText(TypeDecorator):
    """A text column stored encrypted; the model attribute holds the plain value."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)
