"""What a voter's browser needs to encrypt a ballot, and the pages' view of an election.

``booth_context`` gives the public values of the election (group, H_E, K, K-hat) and the
manifest's contests with their effective limits, as the JSON that
``static/js/electionguard.js`` reads (``loadContext``). The browser encrypts with them; the server
never sees a plaintext. Browser booths are encryption devices without chaining (spec eq. 73), all
named ``BOOTH_DEVICE``.
"""

from __future__ import annotations

from typing import Any

from nazaha.election.context import ElectionContext
from nazaha.election.eligibility import Eligibility

__all__ = ["BOOTH_DEVICE", "booth_context", "booth_eligibility"]

BOOTH_DEVICE = "web-booth"


def booth_context(context: ElectionContext) -> dict[str, Any]:
    """The booth's context: hexadecimal numbers, 1-based contest and style indices."""
    group = context.group
    manifest = context.manifest
    return {
        "group": {"p": f"{group.p:X}", "q": f"{group.q:X}", "g": f"{group.g:X}"},
        "extended_hash": context.extended_hash.hex().upper(),
        "vote_key": f"{context.vote_key:X}",
        "data_key": f"{context.data_key:X}",
        "device": BOOTH_DEVICE,
        "contests": [
            {
                "index": index,
                "label": contest.label,
                "contest_limit": contest.contest_limit,
                "option_limits": [contest.option_limit(option) for option in contest.options],
                "options": [option.label for option in contest.options],
            }
            for index, contest in manifest.iter_contests()
        ],
        "styles": [
            {"index": index, "label": style.label, "contests": list(style.contests)}
            for index, style in enumerate(manifest.ballot_styles, start=1)
        ],
    }


def booth_eligibility(eligibility: Eligibility) -> dict[str, Any]:
    """What the booth needs to sign with a voter's credential (``static/js/credentials.js``):
    whether the election asks for one, and the public list's election id and scrypt settings
    (the salt and cost of the key derivation). No key of the list: the ballot box checks it."""
    credentials = eligibility.credentials
    if not eligibility.mode.needs_credential or credentials is None:
        return {"needs_credential": False}
    kdf = credentials.kdf
    return {
        "needs_credential": True,
        "election_id": credentials.election_id,
        "kdf": {"n": kdf.n, "r": kdf.r, "p": kdf.p},
        "policy": eligibility.policy.value,
    }
