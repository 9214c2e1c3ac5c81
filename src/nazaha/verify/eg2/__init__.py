"""ElectionGuard 2.0.0 records: egk's JSON layout (hex or base64) and electionguard-rust's pre-voting artifacts."""
