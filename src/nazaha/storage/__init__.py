"""Storage for the ballot-box service: ports (Protocols), SQL adapters and an in-memory fake."""
