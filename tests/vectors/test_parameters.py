"""Known answers fixed by the specification: the standard parameters and hash values."""

from __future__ import annotations

import json

import gmpy2

from nazaha.ceremony.base_hashes import parameter_base_hash
from nazaha.crypto.hashing import File, ModP, Raw, hash_h
from nazaha.crypto.params import STANDARD_GROUP
from nazaha.election.parameters import ElectionParameters
from tests.support.external import shared_reference

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
    """H_P for n=5, k=3: the value electionguard-rust pins in its unit test ``t1`` (src/eg/src/hashes.rs)
    and that ../shared/reference/electionguard/VECTORS.md §2 recomputes from the 2.1.0 text."""
    h_p = parameter_base_hash(ElectionParameters(G, 5, 3))
    assert h_p.hex().upper() == "944286970EAFDB6F347F4EB93B30D48FA3EDCC89BFBAEA6F5AE8F29AFB05DDCE"


def test_hash_primitive_reproduces_reference_artifacts() -> None:
    """electionguard-rust's example artifacts (read from ../shared, never copied here) were made
    with the 2.0 hash forms: H_P = H("v2.0.0"; 0x00, p, q, g), h_m = H(H_P; 0x01, manifest) without
    the length prefix, and H_E = H(H_B; 0x12, K). They check the hash primitive and the encodings."""
    public = shared_reference("electionguard", "samples", "electionguard-rust", "example_artifacts", "public")
    hashes = json.loads((public / "hashes.json").read_text())
    manifest = (public / "election_manifest_canonical.bin").read_bytes()
    ver_2_0_0 = b"v2.0.0" + bytes(26)
    h_p = hash_h(G, ver_2_0_0, 0x00, Raw(G.bytes_p(G.p)), Raw(G.bytes_q(G.q)), Raw(G.bytes_p(G.g)))
    assert h_p.hex().upper() == hashes["h_p"]
    h_m = hash_h(G, h_p, 0x01, Raw(manifest))
    assert h_m.hex().upper() == hashes["h_m"]
    keys = [
        int(json.loads((public / f"guardian_{i}.public_key.json").read_text())["coefficient_commitments"][0], 16)
        for i in range(1, 6)
    ]
    joint = G.prod(keys)
    published = json.loads((public / "joint_election_public_key.json").read_text())["joint_election_public_key"]
    assert joint == int(published, 16)
    h_e = hash_h(G, bytes.fromhex(hashes["h_b"]), 0x12, ModP(joint))
    assert h_e.hex().upper() == json.loads((public / "hashes_ext.json").read_text())["h_e"]
    # The 2.1 base hash prefixes the manifest with its length (eq. 5, §5.1.5).
    assert hash_h(G, h_p, 0x01, File(manifest)) != h_m
