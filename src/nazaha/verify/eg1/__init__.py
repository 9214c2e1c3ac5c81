"""ElectionGuard 1.x records as Microsoft's electionguard-python 1.4.0 writes them (and 0.95)."""
