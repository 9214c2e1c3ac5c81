"""Readers and verifiers for election records written by other ElectionGuard implementations."""
