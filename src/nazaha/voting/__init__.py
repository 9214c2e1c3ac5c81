"""Ballot encryption, confirmation codes and chaining, validation at the door, and the ballot
box's cast-or-challenge rules (spec §3.3, §3.4)."""
