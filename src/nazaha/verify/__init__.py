"""The independent verifier: checks an election record from the record alone, by the rules of its
format (detected by `nazaha.verify.formats`), and imports nothing that produced the record."""
