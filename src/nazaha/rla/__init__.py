"""Risk-limiting audits of paper ballots: pure math, no I/O.

``manifest`` (the ballot manifest), ``contests`` (reported results), ``cards`` (cast-vote records
and the audit board's readings), vendor importers (``dominion``, ``ess``, ``hart``,
``clearballot``, through ``cvr_builder``; ``cvr_formats`` picks one), ``sampling`` (Rivest's
consistent sampler), ``assorters`` (SHANGRLA assertions), ``risk`` (ALPHA and BRAVO),
``sample_size`` and ``planning`` (estimates), ``settings``, ``audit`` (one audit's rounds and
measured risk), ``readings_log`` (readings and corrections) and ``pull_list`` (what the boards
fetch).
"""

__all__: list[str] = []
