"""The key ceremony among guardians (spec §3.2): threshold key generation, the base hashes and
joint keys, the election context, sealed key files."""
