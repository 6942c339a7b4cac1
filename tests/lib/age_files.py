"""Files encrypted with age (Debian's `age`), as a repository holds secrets for deployhook.

    identity = AgeIdentity(directory)            # age-keygen; identity.recipient is age1...
    identity.encrypt_text("TOKEN=canary\\n", repo.work / "secrets.env.age")
    identity.decrypt(path)                         # the plaintext, as bytes
"""

import subprocess
from pathlib import Path

AGE_TIMEOUT = 30


class AgeIdentity:
    """An age identity (private key file, mode 0600) and its recipient (public key)."""

    def __init__(self, directory, name="identity.txt"):
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self.identity_file = directory / name
        subprocess.run(["age-keygen", "-o", str(self.identity_file)], check=True,
                       capture_output=True, timeout=AGE_TIMEOUT)
        self.identity_file.chmod(0o600)
        self.recipient = subprocess.run(
            ["age-keygen", "-y", str(self.identity_file)], check=True, capture_output=True,
            text=True, timeout=AGE_TIMEOUT).stdout.strip()

    def encrypt(self, source, target):
        """Encrypt the file source to this recipient into target (binary age format); return
        target as a Path."""
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["age", "-r", self.recipient, "-o", str(target), str(source)],
                       check=True, capture_output=True, timeout=AGE_TIMEOUT)
        return Path(target)

    def encrypt_text(self, plaintext, target):
        """Encrypt plaintext (str or bytes), passed on stdin, into target; return target."""
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["age", "-r", self.recipient, "-o", str(target)], input=data,
                       check=True, capture_output=True, timeout=AGE_TIMEOUT)
        return Path(target)

    def decrypt(self, path, identity_file=None):
        """Return the plaintext of the age file at path, decrypted with identity_file (default:
        this identity). Raises CalledProcessError when it does not decrypt."""
        return subprocess.run(
            ["age", "-d", "-i", str(identity_file or self.identity_file), str(path)],
            check=True, capture_output=True, timeout=AGE_TIMEOUT).stdout
