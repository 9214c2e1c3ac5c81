"""Threshold key generation among guardians (spec §3.2)."""
