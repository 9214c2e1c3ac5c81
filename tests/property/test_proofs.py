"""Every proof verifies when honest and fails when any single value in it is changed."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nazaha.ceremony.shares import decrypt_share, encrypt_share
from nazaha.crypto.elgamal import Ciphertext, encrypt
from nazaha.crypto.hashing import U32, ModP, hash_q
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import TEST_GROUP
from nazaha.crypto.proofs.chaum_pedersen import DecryptionProof, recompute_commitments
from nazaha.crypto.proofs.range import RangeProof, prove_range, verify_range
from nazaha.errors import CeremonyError, InvalidProof

G = TEST_GROUP
KEY = bytes(32)
scalars = st.integers(min_value=0, max_value=G.q - 1)
secrets_ = st.integers(min_value=1, max_value=G.q - 1)


def challenge_for(ciphertext: Ciphertext):  # type: ignore[no-untyped-def]
    return lambda commitments: hash_q(
        G, KEY, 0x24, U32(1), ModP(ciphertext.pad), ModP(ciphertext.data), *map(ModP, commitments)
    )


@st.composite
def range_cases(draw: st.DrawFn) -> tuple[int, int, int, int, int]:
    limit = draw(st.integers(min_value=1, max_value=4))
    value = draw(st.integers(min_value=0, max_value=limit))
    return draw(secrets_), limit, value, draw(scalars), draw(st.integers(min_value=0, max_value=2**32))


@given(range_cases(), st.data())
def test_range_proof_honest_verifies_and_any_change_fails(
    case: tuple[int, int, int, int, int], data: st.DataObject
) -> None:
    secret, limit, value, nonce, seed = case
    key = G.g_pow(secret)
    ciphertext = encrypt(G, key, value, nonce)
    proof = prove_range(G, key, ciphertext, value, nonce, limit, challenge_for(ciphertext), SeededRandom(str(seed)))[0]
    verify_range(G, key, ciphertext, proof, limit, challenge_for(ciphertext))

    which = data.draw(st.sampled_from(["challenge", "response", "pad", "data"]))
    position = data.draw(st.integers(min_value=0, max_value=limit))
    delta = data.draw(st.integers(min_value=1, max_value=G.q - 1))
    if which in ("challenge", "response"):
        values = list(proof.challenges if which == "challenge" else proof.responses)
        values[position] = (values[position] + delta) % G.q
        changed = (
            RangeProof(tuple(values), proof.responses)
            if which == "challenge"
            else RangeProof(proof.challenges, tuple(values))
        )
        with pytest.raises(InvalidProof):
            verify_range(G, key, ciphertext, changed, limit, challenge_for(ciphertext))
    else:
        other = dataclasses.replace(ciphertext, **{which: G.mul(getattr(ciphertext, which), G.g_pow(delta))})
        with pytest.raises(InvalidProof):
            verify_range(G, key, other, proof, limit, challenge_for(other))


@given(secrets_, scalars)
def test_a_value_outside_the_range_cannot_be_proven(secret: int, nonce: int) -> None:
    key = G.g_pow(secret)
    ciphertext = encrypt(G, key, 2, nonce)
    with pytest.raises(ValueError, match="outside the range"):
        prove_range(G, key, ciphertext, 2, nonce, 1, challenge_for(ciphertext), SeededRandom("x"))
    # A proof made for a different value of the same ciphertext does not verify.
    forged, _ = prove_range(G, key, ciphertext, 1, nonce, 1, challenge_for(ciphertext), SeededRandom("x"))
    with pytest.raises(InvalidProof):
        verify_range(G, key, ciphertext, forged, 1, challenge_for(ciphertext))


@given(secrets_, scalars, scalars, st.data())
def test_share_encryption_round_trip_and_tampering(
    receiver_secret: int, vote: int, data_share: int, data: st.DataObject
) -> None:
    h_p = bytes(range(32))
    kappa = G.g_pow(receiver_secret)
    share = encrypt_share(G, h_p, 2, 5, kappa, vote, data_share, SeededRandom("share"))
    assert decrypt_share(G, h_p, receiver_secret, kappa, share) == (vote, data_share)
    field = data.draw(st.sampled_from(["challenge", "response", "pad", "masked", "sender"]))
    if field == "challenge":
        changed = dataclasses.replace(
            share, proof=dataclasses.replace(share.proof, challenge=(share.proof.challenge + 1) % G.q)
        )
    elif field == "response":
        changed = dataclasses.replace(
            share, proof=dataclasses.replace(share.proof, response=(share.proof.response + 1) % G.q)
        )
    elif field == "pad":
        changed = dataclasses.replace(share, pad=G.mul(share.pad, G.g))
    elif field == "masked":
        changed = dataclasses.replace(share, masked=bytes([share.masked[0] ^ 1]) + share.masked[1:])
    else:
        changed = dataclasses.replace(share, sender=3)
    with pytest.raises(CeremonyError):
        decrypt_share(G, h_p, receiver_secret, kappa, changed)


@given(secrets_, scalars, scalars, st.sampled_from(["challenge", "response"]))
def test_decryption_proof(secret: int, u: int, pad_exponent: int, field: str) -> None:
    key = G.g_pow(secret)
    pad = G.g_pow(pad_exponent)
    share = G.pow(pad, secret)
    a, b = G.g_pow(u), G.pow(pad, u)
    c = hash_q(G, KEY, 0x31, ModP(a), ModP(b))
    proof = DecryptionProof(c, (u - c * secret) % G.q)
    assert recompute_commitments(G, key, pad, share, proof) == (a, b)
    changed = dataclasses.replace(proof, **{field: (getattr(proof, field) + 1) % G.q})
    assert recompute_commitments(G, key, pad, share, changed) != (a, b)


@given(st.integers(min_value=0, max_value=10**6), st.data())
def test_guardian_key_proofs(seed: int, data: st.DataObject) -> None:
    from nazaha.ceremony.base_hashes import parameter_base_hash
    from nazaha.ceremony.keys import check_guardian_public_key, generate_guardian_secrets
    from nazaha.election.guardian import CoefficientProof
    from nazaha.election.parameters import ElectionParameters

    parameters = ElectionParameters(G, 4, 3)
    h_p = parameter_base_hash(parameters)
    _, public = generate_guardian_secrets(parameters, h_p, 2, "G2", SeededRandom(str(seed)))
    check_guardian_public_key(parameters, h_p, public)
    which = data.draw(st.sampled_from(["vote_proof", "data_proof"]))
    proof = getattr(public, which)
    position = data.draw(st.integers(min_value=-1, max_value=len(proof.responses) - 1))
    if position < 0:
        changed = CoefficientProof((proof.challenge + 1) % G.q, proof.responses)
    else:
        responses = list(proof.responses)
        responses[position] = (responses[position] + 1) % G.q
        changed = CoefficientProof(proof.challenge, tuple(responses))
    with pytest.raises(CeremonyError):
        check_guardian_public_key(
            parameters,
            h_p,
            (
                dataclasses.replace(public, vote_proof=changed)
                if which == "vote_proof"
                else dataclasses.replace(public, data_proof=changed)
            ),
        )
    commitments = list(public.vote_commitments)
    commitments[data.draw(st.integers(min_value=0, max_value=2))] = G.g_pow(seed + 1)
    with pytest.raises(CeremonyError):
        check_guardian_public_key(parameters, h_p, dataclasses.replace(public, vote_commitments=tuple(commitments)))


@given(st.integers(min_value=0, max_value=10**6), st.sampled_from(["challenge", "response", "pad", "masked"]))
def test_ballot_nonce_proof(election, seed: int, field: str) -> None:  # type: ignore[no-untyped-def]
    from nazaha.errors import BallotError
    from nazaha.voting.validate import validate_ballot
    from tests.support.ballots import encrypt

    ballot, _ = encrypt(election, seed=str(seed))
    validate_ballot(election.context, ballot)
    nonce = ballot.encrypted_nonce
    if field in ("challenge", "response"):
        changed = dataclasses.replace(
            nonce, proof=dataclasses.replace(nonce.proof, **{field: (getattr(nonce.proof, field) + 1) % G.q})
        )
    elif field == "pad":
        changed = dataclasses.replace(nonce, pad=G.mul(nonce.pad, G.g))
    else:
        changed = dataclasses.replace(nonce, masked=bytes([nonce.masked[0] ^ 1]) + nonce.masked[1:])
    with pytest.raises(BallotError, match="ballot nonce"):
        validate_ballot(election.context, dataclasses.replace(ballot, encrypted_nonce=changed))
