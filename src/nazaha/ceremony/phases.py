"""The administrator's side of the key ceremony: passing messages between guardians.

The administrator never sees a secret. It collects announcements, hands every guardian all of
them, routes each encrypted share to its receiver, assembles the guardian record (the election
context) and lets each guardian confirm it against its own view (spec §3.2.2).
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.ceremony.context import build_context
from nazaha.ceremony.guardian import Guardian
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare
from nazaha.election.manifest import Manifest
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import CeremonyError

__all__ = ["run_key_ceremony"]


def run_key_ceremony(
    parameters: ElectionParameters,
    manifest: Manifest,
    guardians: Sequence[Guardian],
) -> tuple[ElectionContext, list[GuardianKeyShare]]:
    """Run every phase with guardians in this process; return the context and each key share.

    Any bad announcement or share stops the ceremony with a ``CeremonyError`` that names the
    sending (and receiving) guardian.
    """
    if sorted(guardian.index for guardian in guardians) != list(range(1, parameters.guardians + 1)):
        raise CeremonyError("the ceremony needs guardians 1 to n exactly once each", sender=0)
    announcements = [guardian.announce() for guardian in guardians]
    for guardian in guardians:
        guardian.receive_keys(announcements)
    shares = [share for guardian in guardians for share in guardian.share()]
    for guardian in guardians:
        guardian.receive_shares([share for share in shares if share.receiver == guardian.index])
    context = build_context(parameters, manifest, announcements)
    keys = [guardian.finish(context) for guardian in guardians]
    return context, keys
