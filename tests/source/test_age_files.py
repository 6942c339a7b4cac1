"""AgeIdentity: files encrypted to an age recipient, as a repository holds secrets."""

import subprocess

import pytest

from age_files import AgeIdentity

CANARY = "DEPLOYHOOK_CANARY=7d1c0b5e-not-a-real-secret\n"


def test_round_trip(age_identity, tmp_path):
    plain = tmp_path / "secrets.env"
    plain.write_text(CANARY)
    sealed = age_identity.encrypt(plain, tmp_path / "secrets.env.age")
    assert CANARY.encode() not in sealed.read_bytes()
    assert sealed.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert age_identity.decrypt(sealed) == CANARY.encode()


def test_text_round_trip_and_recipient(age_identity, tmp_path):
    assert age_identity.recipient.startswith("age1")
    assert age_identity.identity_file.stat().st_mode & 0o077 == 0
    sealed = age_identity.encrypt_text(CANARY, tmp_path / "a" / "b.age")
    assert age_identity.decrypt(sealed) == CANARY.encode()


def test_another_identity_cannot_decrypt(age_identity, tmp_path):
    other = AgeIdentity(tmp_path / "other")
    sealed = age_identity.encrypt_text(CANARY, tmp_path / "s.age")
    with pytest.raises(subprocess.CalledProcessError):
        age_identity.decrypt(sealed, identity_file=other.identity_file)
