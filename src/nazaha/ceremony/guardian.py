"""One guardian's side of the key ceremony, in named phases.

A ``Guardian`` holds only its own secrets. The administrator passes messages between
guardians (``nazaha.ceremony.phases``); each guardian checks everything it receives:

``announce``       publish commitments, κ_i and the proofs of knowledge (§3.2.2)
``receive_keys``   check every other guardian's announcement (Verification 2)
``share``          encrypt P_i(ℓ) and P-hat_i(ℓ) for every other guardian ℓ (eqs. 15-22)
``receive_shares`` decrypt and check each share against its sender's commitments (eqs. 23, 28, 29)
``finish``         compare the guardian record with its own view (H_G, eq. 27), compute z_i, z-hat_i
"""

from __future__ import annotations

from collections.abc import Sequence

from nazaha.ceremony.joint_key import guardian_record_hash
from nazaha.ceremony.keys import GuardianSecrets, check_guardian_public_key, generate_guardian_secrets
from nazaha.ceremony.shares import EncryptedShare, check_share, decrypt_share, encrypt_share
from nazaha.ceremony.signing import signing_seed
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.polynomial import evaluate_polynomial
from nazaha.election.context import ElectionContext
from nazaha.election.guardian import GuardianKeyShare, GuardianPublicKey
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import CeremonyError

__all__ = ["Guardian"]


class Guardian:
    """Guardian G_i in the key ceremony."""

    def __init__(
        self,
        parameters: ElectionParameters,
        parameter_hash: bytes,
        index: int,
        name: str,
        rng: RandomSource,
    ) -> None:
        self._parameters = parameters
        self._h_p = parameter_hash
        self._rng = rng
        self._secrets: GuardianSecrets
        self._secrets, self._public = generate_guardian_secrets(parameters, parameter_hash, index, name, rng)
        self._peers: dict[int, GuardianPublicKey] = {}
        self._received: dict[int, tuple[int, int]] = {}

    def __repr__(self) -> str:
        return f"Guardian(index={self.index}, name={self._public.name!r})"

    @property
    def index(self) -> int:
        return self._public.index

    def announce(self) -> GuardianPublicKey:
        """Phase 1: the public commitments, κ_i and proofs of knowledge."""
        return self._public

    def receive_keys(self, announcements: Sequence[GuardianPublicKey]) -> None:
        """Phase 2: check every guardian's announcement; all n must be present exactly once."""
        n = self._parameters.guardians
        indices = sorted(key.index for key in announcements)
        if indices != list(range(1, n + 1)):
            raise CeremonyError(
                f"guardian {self.index} expected announcements from guardians 1 to {n}, got {indices}",
                sender=self.index,
            )
        for key in announcements:
            if key.index == self.index:
                if key != self._public:
                    raise CeremonyError(
                        f"guardian {self.index}'s announcement was altered on the way",
                        sender=self.index,
                    )
                continue
            check_guardian_public_key(self._parameters, self._h_p, key)
            self._peers[key.index] = key

    def share(self) -> list[EncryptedShare]:
        """Phase 3: the encrypted shares (P_i(ℓ), P-hat_i(ℓ)) for every other guardian ℓ."""
        if len(self._peers) != self._parameters.guardians - 1:
            raise CeremonyError(
                f"guardian {self.index} cannot share before checking every announcement",
                sender=self.index,
            )
        group = self._parameters.group
        q = group.q
        shares = []
        for receiver, key in sorted(self._peers.items()):
            shares.append(
                encrypt_share(
                    group,
                    self._h_p,
                    self.index,
                    receiver,
                    key.communication_key,
                    evaluate_polynomial(q, self._secrets.vote_coefficients, receiver),
                    evaluate_polynomial(q, self._secrets.data_coefficients, receiver),
                    self._rng,
                )
            )
        return shares

    def receive_shares(self, shares: Sequence[EncryptedShare]) -> None:
        """Phase 4: decrypt each share sent to this guardian and check it (eqs. 23, 28, 29)."""
        group = self._parameters.group
        for share in shares:
            if share.receiver != self.index:
                raise CeremonyError(
                    f"guardian {self.index} was handed a share meant for guardian {share.receiver}",
                    sender=share.sender,
                    receiver=share.receiver,
                )
            sender = self._peers.get(share.sender)
            if sender is None:
                raise CeremonyError(
                    f"guardian {self.index} received a share from unknown guardian {share.sender}",
                    sender=share.sender,
                    receiver=self.index,
                )
            if share.sender in self._received:
                raise CeremonyError(
                    f"guardian {share.sender} sent guardian {self.index} two shares",
                    sender=share.sender,
                    receiver=self.index,
                )
            vote, data = decrypt_share(
                group,
                self._h_p,
                self._secrets.communication_secret,
                self._public.communication_key,
                share,
            )
            check_share(group, share.sender, self.index, vote, sender.vote_commitments, "vote key")
            check_share(group, share.sender, self.index, data, sender.data_commitments, "data key")
            self._received[share.sender] = (vote, data)

    def finish(self, context: ElectionContext) -> GuardianKeyShare:
        """Phase 5: check the guardian record against this guardian's view; return z_i, z-hat_i."""
        missing = sorted(set(self._peers) - set(self._received))
        if missing:
            raise CeremonyError(
                f"guardian {self.index} has no share from guardian(s) {missing}",
                sender=missing[0],
                receiver=self.index,
            )
        group = self._parameters.group
        own_view = [self._public, *self._peers.values()]
        mine = guardian_record_hash(group, context.base_hash, context.vote_key, context.data_key, own_view)
        theirs = guardian_record_hash(group, context.base_hash, context.vote_key, context.data_key, context.guardians)
        expected_vote = group.prod(key.vote_key for key in own_view)
        expected_data = group.prod(key.data_key for key in own_view)
        if mine != theirs or (expected_vote, expected_data) != (context.vote_key, context.data_key):
            raise CeremonyError(
                f"guardian {self.index}: the guardian record differs from its own view",
                sender=self.index,
            )
        q = group.q
        own_vote = evaluate_polynomial(q, self._secrets.vote_coefficients, self.index)
        own_data = evaluate_polynomial(q, self._secrets.data_coefficients, self.index)
        vote_share = (own_vote + sum(v for v, _ in self._received.values())) % q
        data_share = (own_data + sum(d for _, d in self._received.values())) % q
        return GuardianKeyShare(
            index=self.index,
            name=self._public.name,
            extended_hash=context.extended_hash,
            vote_share=vote_share,
            data_share=data_share,
            signing_seed=signing_seed(group, self._secrets.communication_secret),
        )
