"""The algebra of ElectionGuard on the test group: homomorphism, round trips, sharing."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nazaha.crypto.dlog import DiscreteLog
from nazaha.crypto.elgamal import Ciphertext, add_ciphertexts, decrypt_with_nonce, encrypt
from nazaha.crypto.params import TEST_GROUP
from nazaha.crypto.polynomial import commitment_at, evaluate_polynomial, lagrange_coefficient

G = TEST_GROUP
scalars = st.integers(min_value=0, max_value=G.q - 1)
secrets_ = st.integers(min_value=1, max_value=G.q - 1)
small = st.integers(min_value=0, max_value=200)


def decrypt_with_secret(ciphertext: Ciphertext, secret: int) -> int:
    """K^m = β / α^s; then m by a bounded discrete log."""
    power = G.div(ciphertext.data, G.pow(ciphertext.pad, secret))
    return DiscreteLog(G, G.g_pow(secret), baby_steps=32).solve(power, 1000)


@given(secrets_, small, small, scalars, scalars)
def test_homomorphism(secret: int, a: int, b: int, xi1: int, xi2: int) -> None:
    key = G.g_pow(secret)
    total = add_ciphertexts(G, [encrypt(G, key, a, xi1), encrypt(G, key, b, xi2)])
    assert decrypt_with_secret(total, secret) == a + b
    assert total == encrypt(G, key, a + b, (xi1 + xi2) % G.q)


@given(secrets_, small, scalars)
def test_encrypt_decrypt_round_trip(secret: int, value: int, nonce: int) -> None:
    key = G.g_pow(secret)
    ciphertext = encrypt(G, key, value, nonce)
    assert G.is_element(ciphertext.pad) and G.is_element(ciphertext.data)
    assert decrypt_with_secret(ciphertext, secret) == value
    assert decrypt_with_nonce(G, key, ciphertext, nonce) == G.pow(key, value)


@given(st.lists(scalars, min_size=1, max_size=5), st.data())
def test_any_quorum_interpolates_the_secret(coefficients: list[int], data: st.DataObject) -> None:
    k = len(coefficients)
    n = k + data.draw(st.integers(min_value=0, max_value=3))
    present = sorted(data.draw(st.sets(st.integers(min_value=1, max_value=n), min_size=k, max_size=n)))
    shares = {i: evaluate_polynomial(G.q, coefficients, i) for i in present}
    recovered = sum(lagrange_coefficient(G.q, i, present) * shares[i] for i in present) % G.q
    assert recovered == coefficients[0]
    commitments = [G.g_pow(a) for a in coefficients]
    for i in present:
        assert commitment_at(G, commitments, i) == G.g_pow(shares[i])


@given(st.integers(min_value=0, max_value=5000), st.integers(min_value=1, max_value=64))
def test_bounded_discrete_log(value: int, steps: int) -> None:
    dlog = DiscreteLog(G, G.g, baby_steps=steps)
    assert dlog.solve(G.g_pow(value), 5000) == value


@given(st.lists(st.tuples(scalars, st.booleans()), min_size=1, max_size=12), st.integers(min_value=0, max_value=2**32))
def test_batched_membership_agrees_with_one_by_one(items: list[tuple[int, bool]], seed: int) -> None:
    from nazaha.crypto.nonces import SeededRandom

    values = [G.g_pow(e) if inside else (G.g_pow(e) * G.r) % G.p or 2 for e, inside in items]
    expected = all(G.is_element(v) for v in values)
    assert G.batch_safe
    assert G.are_elements(values, SeededRandom(str(seed))) == expected


def test_unsafe_groups_check_one_by_one() -> None:
    from nazaha.crypto.nonces import SeededRandom
    from nazaha.crypto.params import TINY_GROUP

    assert not TINY_GROUP.batch_safe
    members = [TINY_GROUP.g_pow(i) for i in range(1, 6)]
    assert TINY_GROUP.are_elements(members, SeededRandom("x"))
    assert not TINY_GROUP.are_elements([*members, TINY_GROUP.p - 1], SeededRandom("x"))
