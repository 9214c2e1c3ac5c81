"""Pure mathematics of ElectionGuard: group, hashing, encryption, proofs. No election words."""
