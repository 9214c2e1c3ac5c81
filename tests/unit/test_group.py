"""crypto.group: membership checks, fixed-base tables, arithmetic helpers."""

from __future__ import annotations

import os
import pickle

import gmpy2
import pytest

from nazaha.crypto.group import FixedBase, Group, _pippenger, _straus
from nazaha.crypto.nonces import SeededRandom
from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP, TINY_GROUP, group_by_name
from nazaha.errors import ParameterError, ValueRangeError


@pytest.mark.parametrize("group", [TEST_GROUP, TINY_GROUP, STANDARD_GROUP], ids=lambda g: g.name)
def test_fixed_base_equals_pow(group: Group) -> None:
    table = FixedBase(group, group.g)
    for exponent in (0, 1, 2, 255, 256, group.q - 1, group.q, group.q + 5, 123456789 % group.q):
        assert table.pow(exponent) == pow(group.g, exponent, group.p)


def test_membership_is_checked_with_names() -> None:
    group = TINY_GROUP
    assert group.element(group.g, "g") == group.g
    with pytest.raises(ValueRangeError, match="the thing is not in the subgroup"):
        group.element(2, "the thing") if not group.is_element(2) else group.element(group.p - 1, "the thing")
    with pytest.raises(ValueRangeError, match="not an integer in"):
        group.element(group.p, "x")
    with pytest.raises(ValueRangeError, match="not in Z_q"):
        group.scalar(group.q, "y")
    assert group.scalar(group.q - 1, "y") == group.q - 1


def test_every_element_of_tiny_subgroup_is_a_power_of_g() -> None:
    group = TINY_GROUP
    members = {pow(group.g, e, group.p) for e in range(group.q)}
    assert len(members) == group.q
    sample = list(range(1, 5000))
    assert {x for x in sample if group.is_element(x)} == {x for x in sample if x in members}


def test_invalid_groups_are_refused() -> None:
    with pytest.raises(ParameterError, match="p - 1 != q"):
        Group(name="bad", p=23, q=11, r=3, g=4)
    with pytest.raises(ParameterError, match="not in the subgroup"):
        Group(name="bad", p=23, q=11, r=2, g=5)


def test_groups_pickle_by_value_without_tables() -> None:
    TEST_GROUP.g_pow(12345)
    clone = pickle.loads(pickle.dumps(TEST_GROUP))
    assert clone == TEST_GROUP
    assert len(pickle.dumps(TEST_GROUP)) < 2000
    assert group_by_name("test-64-256") is TEST_GROUP
    with pytest.raises(ParameterError, match="unknown group"):
        group_by_name("nope")


def test_arithmetic_helpers() -> None:
    group = TEST_GROUP
    a, b = group.g_pow(5), group.g_pow(7)
    assert group.mul(a, b) == group.g_pow(12)
    assert group.div(group.g_pow(12), b) == a
    assert group.prod([a, b, group.inverse(a)]) == b
    assert group.pow_pair(a, 3, b, 2) == group.g_pow(29)
    assert group.prod([]) == 1


def _pow_many_in_child(values: list[int]) -> list[int]:
    return TEST_GROUP.pow_many([(v, v + 3) for v in values])


def test_pow_many_equals_pow_and_survives_fork() -> None:
    from concurrent.futures import ProcessPoolExecutor

    from nazaha.crypto.group import set_parallelism

    pairs = [(STANDARD_GROUP.g_pow(i + 1), (i * 7919) % STANDARD_GROUP.q) for i in range(9)]
    expected = [pow(b, e, STANDARD_GROUP.p) for b, e in pairs]
    try:
        for threads in (1, 2, 4):
            set_parallelism(threads)
            assert STANDARD_GROUP.pow_many(pairs) == expected
            assert STANDARD_GROUP.pow_many(pairs[:1]) == expected[:1]
            assert STANDARD_GROUP.pow_many([]) == []
        set_parallelism(2)
        STANDARD_GROUP.pow_many(pairs)  # the parent's thread pool exists before the fork
        values = list(range(2, 12))
        with ProcessPoolExecutor(max_workers=2) as pool:
            assert pool.submit(_pow_many_in_child, values).result(timeout=60) == [
                pow(v, v + 3, TEST_GROUP.p) for v in values
            ]
    finally:
        set_parallelism(os.cpu_count() or 1)


def test_fixed_base_cache_is_thread_safe_and_least_recently_used() -> None:
    """Many threads ask for the tables of more bases than the cache holds, at once: none fails,
    every table computes correct powers, g's table stays, and the most recent bases are kept."""
    import threading

    from nazaha.crypto import group as group_module

    group = Group(TEST_GROUP.name, TEST_GROUP.p, TEST_GROUP.q, TEST_GROUP.r, TEST_GROUP.g)
    limit = group_module._FIXED_BASE_CACHE
    bases = [group.g_pow(k) for k in range(2, 2 + 3 * limit)]
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(offset: int) -> None:
        try:
            start.wait()
            for round_ in range(6):
                for base in bases[offset % 3 :: 3]:
                    exponent = 12345 + round_ * 7 + offset
                    assert group.fixed_base(base).pow(exponent) == pow(base, exponent, group.p)
                    assert group.g_pow(exponent) == pow(group.g, exponent, group.p)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    cached = group.cached_bases()
    assert group.g in cached
    assert len(cached) <= limit + 1
    # Least recently used goes first: touching a base keeps it; a new base evicts the oldest other.
    survivor = next(base for base in cached if base != group.g)
    oldest = next(base for base in cached if base not in (group.g, survivor))
    group.fixed_base(survivor)
    group.fixed_base(group.g_pow(999_999))
    after = group.cached_bases()
    assert survivor in after and group.g in after and oldest not in after


@pytest.mark.parametrize("group", [TEST_GROUP, STANDARD_GROUP], ids=lambda g: g.name)
def test_multi_pow_is_the_product_of_the_powers(group: Group) -> None:
    bases = [group.g_pow(7 + i) for i in range(6)] + [group.p - 1]
    exponents = [0, 1, 15, 16, 2**64 + 3, group.q - 1, 2**128 + 17]
    expected = 1
    for base, exponent in zip(bases, exponents, strict=True):
        expected = expected * pow(base, exponent, group.p) % group.p
    assert group.multi_pow(list(zip(bases, exponents, strict=True))) == expected
    assert group.multi_pow([]) == 1
    assert group.multi_pow([(bases[1], 0)]) == 1
    with pytest.raises(ValueError, match="non-negative"):
        group.multi_pow([(bases[1], -1)])


@pytest.mark.parametrize("count", [40, 300])
def test_multi_pow_with_many_bases_takes_the_bucket_method(count: int) -> None:
    """Hundreds of bases go to Pippenger's bucket method (the hinted verifier's batches): the
    product is still exactly the product of the powers, zero, one and repeated digits included."""
    group = STANDARD_GROUP
    rng = SeededRandom(f"multi-pow/{count}")
    bases = [group.g_pow(rng.below(group.q)) for _ in range(count)]
    exponents = [rng.below(1 << 128) for _ in range(count)]
    exponents[:4] = [0, 1, 255, (1 << 128) - 1]
    expected = 1
    for base, exponent in zip(bases, exponents, strict=True):
        expected = expected * pow(base, exponent, group.p) % group.p
    assert group.multi_pow(list(zip(bases, exponents, strict=True))) == expected
    terms = [(gmpy2.mpz(b), e) for b, e in zip(bases, exponents, strict=True) if e]
    p = gmpy2.mpz(group.p)
    for window in (2, 5, 8):
        assert _pippenger(terms, 128, window, p) == _straus(terms, 128, 4, p) == expected


def test_unpickling_a_group_gives_this_processs_own_instance() -> None:
    """A worker gets the group with every task: it must not build it (and its tables) again."""
    import pickle

    from nazaha.crypto.group import Group
    from nazaha.crypto.params import STANDARD_GROUP, TEST_GROUP

    assert pickle.loads(pickle.dumps(STANDARD_GROUP)) is STANDARD_GROUP
    again = pickle.loads(pickle.dumps(TEST_GROUP))
    assert again == TEST_GROUP and pickle.loads(pickle.dumps(TEST_GROUP)) is again, "built once, then reused"
    other = Group("other-name", TEST_GROUP.p, TEST_GROUP.q, TEST_GROUP.r, TEST_GROUP.g)
    assert pickle.loads(pickle.dumps(other)) is not again, "another name is another group"
