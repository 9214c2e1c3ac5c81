"""Frozen, validated data types shared by every phase of an election."""
