"""Ballot encryption, confirmation codes, cast-or-challenge (spec §3.3, §3.4)."""
