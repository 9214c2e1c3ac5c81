"""Aggregation of cast ballots and threshold decryption with proofs (spec §3.5, §3.6)."""
