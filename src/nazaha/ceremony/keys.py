"""A guardian's secret polynomials and communication key, and the proofs it publishes.

Spec §3.2.2: guardian G_i draws k coefficients a_i,j (vote key) and k coefficients a-hat_i,j
(ballot data key) uniformly from Z_q, and a communication secret ζ_i. It publishes the
commitments K_i,j = g^(a_i,j), K-hat_i,j, κ_i = g^(ζ_i) and two compact Schnorr proofs
(eqs. 10-13):

    c_i = H_q(H_P; 0x10, "pk_vote", i, K_i,0..K_i,k-1, κ_i, h_i,0..h_i,k)
    v_i,j = (u_i,j - c_i·a_i,j) mod q,  v_i,k = (u_i,k - c_i·ζ_i) mod q

and the same with "pk_data" for the a-hat_i,j. The spec's equations print the labels with a
space; the byte table of §5.5.2 (and Microsoft's reference implementation) use an underscore.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nazaha.ceremony.signing import public_signing_key, signing_seed
from nazaha.crypto.group import Group
from nazaha.crypto.hashing import U32, ModP, Tag, hash_q
from nazaha.crypto.nonces import RandomSource
from nazaha.crypto.proofs import schnorr
from nazaha.election.guardian import CoefficientProof, GuardianPublicKey
from nazaha.election.parameters import ElectionParameters
from nazaha.errors import CeremonyError

__all__ = [
    "DATA_TAG",
    "VOTE_TAG",
    "GuardianSecrets",
    "check_guardian_public_key",
    "coefficient_challenge",
    "generate_guardian_secrets",
]

VOTE_TAG = "pk_vote"
"""The label of eq. (11); its bytes 0x706B5F766F7465 are those of the §5.5.2 table."""
DATA_TAG = "pk_data"
"""The label of eq. (13); its bytes 0x706B5F64617461 are those of the §5.5.2 table."""


@dataclass(frozen=True, slots=True)
class GuardianSecrets:
    """The secrets of guardian G_i during the ceremony. Never printed, never written in clear."""

    index: int
    name: str
    vote_coefficients: tuple[int, ...] = field(repr=False)
    """a_i,0 .. a_i,k-1; a_i,0 = s_i."""
    data_coefficients: tuple[int, ...] = field(repr=False)
    """a-hat_i,0 .. a-hat_i,k-1."""
    communication_secret: int = field(repr=False)
    """ζ_i."""


def coefficient_challenge(
    group: Group,
    h_p: bytes,
    tag: str,
    index: int,
    commitments: Sequence[int],
    communication_key: int,
    proof_commitments: Sequence[int],
) -> int:
    """c_i of eq. (11) (tag "pk_vote") or c-hat_i of eq. (13) (tag "pk_data")."""
    return hash_q(
        group,
        h_p,
        0x10,
        Tag(tag),
        U32(index),
        *(ModP(value) for value in commitments),
        ModP(communication_key),
        *(ModP(value) for value in proof_commitments),
    )


def _prove(
    group: Group,
    h_p: bytes,
    tag: str,
    index: int,
    coefficients: Sequence[int],
    commitments: Sequence[int],
    communication_secret: int,
    communication_key: int,
    rng: RandomSource,
) -> CoefficientProof:
    secrets_ = [*coefficients, communication_secret]
    randoms = [schnorr.commit(group, rng) for _ in secrets_]
    challenge = coefficient_challenge(group, h_p, tag, index, commitments, communication_key, [h for _, h in randoms])
    responses = tuple(
        schnorr.respond(group, u, challenge, secret) for (u, _), secret in zip(randoms, secrets_, strict=True)
    )
    return CoefficientProof(challenge=challenge, responses=responses)


def generate_guardian_secrets(
    parameters: ElectionParameters,
    h_p: bytes,
    index: int,
    name: str,
    rng: RandomSource,
) -> tuple[GuardianSecrets, GuardianPublicKey]:
    """Draw guardian G_i's secrets and build its public announcement with proofs."""
    if not 1 <= index <= parameters.guardians:
        raise ValueError(f"guardian index {index} is not in [1, {parameters.guardians}]")
    group = parameters.group
    k = parameters.quorum
    vote = tuple(rng.below(group.q) for _ in range(k))
    data = tuple(rng.below(group.q) for _ in range(k))
    zeta = rng.below(group.q)
    kappa = group.g_pow(zeta)
    vote_commitments = tuple(group.g_pow(a) for a in vote)
    data_commitments = tuple(group.g_pow(a) for a in data)
    secrets_ = GuardianSecrets(
        index=index,
        name=name,
        vote_coefficients=vote,
        data_coefficients=data,
        communication_secret=zeta,
    )
    public = GuardianPublicKey(
        index=index,
        name=name,
        vote_commitments=vote_commitments,
        vote_proof=_prove(group, h_p, VOTE_TAG, index, vote, vote_commitments, zeta, kappa, rng),
        data_commitments=data_commitments,
        data_proof=_prove(group, h_p, DATA_TAG, index, data, data_commitments, zeta, kappa, rng),
        communication_key=kappa,
        signing_key=public_signing_key(signing_seed(group, zeta)),
    )
    return secrets_, public


def check_guardian_public_key(parameters: ElectionParameters, h_p: bytes, public: GuardianPublicKey) -> None:
    """Check a guardian's announcement as Verification 2 does; raise ``CeremonyError``.

    Every commitment and κ_i must be in Z_p^r, every response in Z_q, and both challenges must
    be the hash of the recomputed commitments h_i,j = g^(v_i,j) · K_i,j^(c_i).
    """
    group = parameters.group
    i = public.index
    k = parameters.quorum

    def fail(message: str) -> CeremonyError:
        return CeremonyError(f"guardian {i}'s public key: {message}", sender=i)

    for label, commitments in (("vote", public.vote_commitments), ("data", public.data_commitments)):
        if len(commitments) != k:
            raise fail(f"expected {k} {label} commitments, got {len(commitments)}")
        for j, value in enumerate(commitments):
            if not group.is_element(value):
                raise fail(f"{label} commitment {j} is not in Z_p^r")
    if not group.is_element(public.communication_key):
        raise fail("the communication key is not in Z_p^r")
    if public.signing_key and len(public.signing_key) != 32:
        raise fail("the signing key is not a 32-byte Ed25519 public key")
    for tag, commitments, proof in (
        (VOTE_TAG, public.vote_commitments, public.vote_proof),
        (DATA_TAG, public.data_commitments, public.data_proof),
    ):
        if len(proof.responses) != k + 1:
            raise fail(f"the {tag!r} proof has {len(proof.responses)} responses, not {k + 1}")
        if not all(0 <= v < group.q for v in (proof.challenge, *proof.responses)):
            raise fail(f"a value of the {tag!r} proof is not in Z_q")
        bases = [*commitments, public.communication_key]
        recomputed = [
            schnorr.recompute_commitment(group, base, proof.challenge, response)
            for base, response in zip(bases, proof.responses, strict=True)
        ]
        expected = coefficient_challenge(group, h_p, tag, i, commitments, public.communication_key, recomputed)
        if expected != proof.challenge:
            raise fail(f"the {tag!r} proof of knowledge of the coefficients does not verify")
