"""Known answers fixed by the specification: the standard parameters and hash values."""

from __future__ import annotations

import json
from pathlib import Path

import gmpy2

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.crypto.hashing import File, ModP, Raw, hash_h
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.parameters import ElectionParameters

DATA = Path(__file__).parent / "data"
G = STANDARD_GROUP


def test_standard_parameters_satisfy_section_3_1_1() -> None:
    assert G.q == 2**256 - 189
    assert G.p.bit_length() == 4096
    assert G.p >> 3840 == 2**256 - 1, "the first 256 bits of p are ones"
    assert G.p % 2**256 == 2**256 - 1, "the last 256 bits of p are ones"
    assert G.p - 1 == G.q * G.r
    assert G.g == pow(2, G.r, G.p)
    assert gmpy2.is_prime(G.p, 40) and gmpy2.is_prime(G.q, 40)
    assert gmpy2.is_prime((G.p - 1) // (2 * G.q), 40), "(p - 1)/2q is prime"


def test_p_is_built_from_ln2_and_delta() -> None:
    """p = 2^4096 - 2^3840 + 2^256 (floor(2^3584 ln 2) + δ) + (2^256 - 1), spec §3.1.1."""
    delta = 287975203778583638958138611533602521491887169409704874643524560756486080635197037903
    with gmpy2.context(precision=4200):
        ln2_bits = int(gmpy2.floor(gmpy2.const_log2() * gmpy2.mpz(2) ** 3584))
    assert G.p == 2**4096 - 2**3840 + 2**256 * (ln2_bits + delta) + (2**256 - 1)


def test_parameter_base_hash_v2_1_0_matches_microsoft_reference() -> None:
    vectors = json.loads((DATA / "electionguard_rust_2x.json").read_text())
    h_p = parameter_base_hash(ElectionParameters(G, 5, 3))
    assert h_p.hex().upper() == vectors["standard_h_p_v2_1_0_n5_k3"]


def test_hash_primitive_reproduces_reference_artifacts() -> None:
    vectors = json.loads((DATA / "electionguard_rust_2x.json").read_text())
    manifest = (DATA / vectors["manifest_file"]).read_bytes()
    ver_2_0_0 = b"v2.0.0" + bytes(26)
    h_p = hash_h(G, ver_2_0_0, 0x00, Raw(G.bytes_p(G.p)), Raw(G.bytes_q(G.q)), Raw(G.bytes_p(G.g)))
    assert h_p.hex().upper() == vectors["artifacts_h_p_v2_0_0"]
    h_m = hash_h(G, h_p, 0x01, Raw(manifest))
    assert h_m.hex().upper() == vectors["artifacts_h_m"]
    keys = [int(k, 16) for k in vectors["artifacts_guardian_keys"]]
    joint = G.prod(keys)
    assert f"{joint:X}" == vectors["artifacts_joint_key"]
    h_e = hash_h(G, bytes.fromhex(vectors["artifacts_h_b"]), 0x12, ModP(joint))
    assert h_e.hex().upper() == vectors["artifacts_h_e"]
    # The 2.1 base hash prefixes the manifest with its length (eq. 5, §5.1.5).
    assert hash_h(G, h_p, 0x01, File(manifest)) != h_m
