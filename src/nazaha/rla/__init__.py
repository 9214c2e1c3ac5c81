"""Risk-limiting audits of paper ballots: pure math, no I/O.

``manifest`` (the ballot manifest), ``contests`` (reported results), ``cards`` (cast-vote records
and the audit board's readings), ``dominion`` (a vendor CVR importer), ``sampling`` (Rivest's
consistent sampler), ``assorters`` (SHANGRLA assertions), ``risk`` (ALPHA and BRAVO),
``sample_size`` (estimates) and ``audit`` (one audit's rounds and measured risk).
"""

__all__: list[str] = []
