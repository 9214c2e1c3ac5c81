"""Zero-knowledge proofs: Schnorr, Chaum-Pedersen decryption, disjunctive range proofs."""
