"""Encryption at rest for personal sensitive fields (DESIGN.md rule 5, PIPL).

Values are Fernet tokens (AES-128-CBC with HMAC-SHA256). The keys come from
RONGJIA_DATA_KEYS (comma-separated; the first encrypts, all decrypt), so a new key is put
first and `manage.py rotate_data_key` re-encrypts every value with it while the old keys
still read. Without the variable a key is generated once into var/ (never committed).

Encryption is randomised, so an encrypted column cannot be searched; searchable values get
a keyed blind index (`blind_index`) beside them, from RONGJIA_INDEX_KEY.
"""

import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@lru_cache(maxsize=1)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.DATA_KEYS))


def encrypt(text: str) -> str:
    return cipher().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    return cipher().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value under the current (first) key."""
    return cipher().rotate(token.encode()).decode()


def blind_index(value: str, *, purpose: str) -> str:
    """A keyed hash for exact-match search; `purpose` keeps two fields' indexes unrelated."""
    key = hmac.new(settings.INDEX_KEY.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.strip().upper().encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Text stored encrypted; Python code and forms see the plain value.

    It cannot be filtered on (each encryption differs): search through a blind index.
    """

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        try:
            return decrypt(value)
        except InvalidToken as exc:  # a wrong or lost key must not pass for data
            raise ValueError(f"{self.model.__name__}.{self.name}: cannot decrypt with the configured keys") from exc

    def get_prep_value(self, value):
        if isinstance(value, AlreadyEncrypted):
            return str(value)
        value = super().get_prep_value(value)
        return encrypt(value) if value else value


class AlreadyEncrypted(str):
    """A token to store as it is (key rotation hands over tokens, not plain values)."""


def is_token(value: str) -> bool:
    """Whether a stored value is already encrypted (used by migrations that encrypt old rows)."""
    try:
        cipher().decrypt(value.encode())
    except (InvalidToken, ValueError, TypeError):
        return False
    return True
