"""The election record (spec §3.7): the canonical JSON codec, streamed readers for large files,
the hash-chained bulletin board, the atomic folder layout with its digest index, record zips."""
