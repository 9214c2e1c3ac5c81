"""The credential authority: secret voter credentials and the public list of their keys.

Separate from the ballot box (it never sees who holds which credential): ``codes`` (the
credential's typed form and its check character), ``keys`` (from a credential to its Ed25519
signing key, through scrypt salted with the election id), ``authority`` (a voter list in, the
public list and the printable sheets out; regenerating a lost credential).
"""
