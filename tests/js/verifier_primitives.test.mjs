// The browser verifier's own primitives against Node's: SHA-256 and HMAC-SHA-256 (node:crypto),
// modular exponentiation, fixed-base tables and inverses (BigInt by square-and-multiply), and
// the Ed25519 probe. Run by `node --test tests/js/` (tests/unit/test_js_vectors.py).

import assert from "node:assert/strict";
import crypto from "node:crypto";
import { test } from "node:test";
import { FixedBase, Group, modPow } from "../../src/nazaha/verify/browser/js/arith.js";
import { STANDARD } from "../../src/nazaha/verify/browser/js/catalog.js";
import { ed25519Supported, ed25519Verify } from "../../src/nazaha/verify/browser/js/ed25519.js";
import { contestDataKeys, hashH, item } from "../../src/nazaha/verify/browser/js/hashes.js";
import { fromHex, hmacSha256, sha256, toHex } from "../../src/nazaha/verify/browser/js/sha256.js";

function seeded(length, seed) {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + seed * 17 + (i >> 3)) & 255);
}

test("SHA-256 and HMAC agree with node:crypto at every padding boundary", () => {
  for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 65537]) {
    const data = seeded(length, length);
    const key = seeded(length % 97, length + 1);
    assert.equal(toHex(sha256(data)), crypto.createHash("sha256").update(data).digest("hex").toUpperCase());
    assert.equal(toHex(hmacSha256(key, data)), crypto.createHmac("sha256", key).update(data).digest("hex").toUpperCase());
  }
});

function reference(base, exponent, modulus) {
  let result = 1n;
  base %= modulus;
  while (exponent > 0n) {
    if (exponent & 1n) result = (result * base) % modulus;
    base = (base * base) % modulus;
    exponent >>= 1n;
  }
  return result;
}

test("exponentiation, fixed-base tables and inverses in the standard group", () => {
  const group = new Group(BigInt("0x" + STANDARD.p), BigInt("0x" + STANDARD.q), BigInt("0x" + STANDARD.g));
  const table = new FixedBase(group.g, group.p, group.qBits);
  for (const exponent of [0n, 1n, 2n, 255n, 256n, 65537n, group.q - 1n, (group.q * 7n) / 11n]) {
    const expected = reference(group.g, exponent, group.p);
    assert.equal(modPow(group.g, exponent, group.p), expected);
    assert.equal(table.pow(exponent), expected);
  }
  const x = group.gPow(123456789n);
  assert.equal(group.mul(group.inverse(x), x), 1n);
  assert.ok(group.isElement(x));
  assert.ok(!group.isElement(group.p - 1n)); // -1 has order 2: not in the subgroup of order q
  assert.ok(!group.isElement(0n) && !group.isElement(group.p));
});

test("Ed25519 through WebCrypto: RFC 8032 test 2 verifies, a changed byte does not", async () => {
  assert.ok(await ed25519Supported());
  const key = Uint8Array.from(Buffer.from("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "hex"));
  const signature = Uint8Array.from(Buffer.from(
    "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
    "hex"));
  assert.ok(await ed25519Verify(key, signature, Uint8Array.of(0x72)));
  assert.ok(!(await ed25519Verify(key, signature, Uint8Array.of(0x73))));
  assert.ok(!(await ed25519Verify(key.subarray(1), signature, Uint8Array.of(0x72))));
});

test("contest data keys (13.6-13.7, 12.4): the KDF labels with underscores, byte by byte", () => {
  // k_l = HMAC(h, b(l,4) ‖ "data_enc_keys" ‖ 0x00 ‖ "contest_data" ‖ b(ind_c,4) ‖ b(b_Λ·256,4)), PDF p. 40.
  const group = new Group(BigInt("0x" + STANDARD.p), BigInt("0x" + STANDARD.q), BigInt("0x" + STANDARD.g));
  const hI = seeded(32, 5);
  const alpha = modPow(group.g, 12345n, group.p);
  const beta = modPow(group.g, 67890n, group.p);
  const h = hashH(hI, 0x26, [item.u32(3), item.modP(group, alpha), item.modP(group, beta)]);
  const keys = contestDataKeys(group, hI, 3, alpha, beta, 2);
  assert.equal(keys.length, 64);
  for (const counter of [1, 2]) {
    const message = fromHex(`0000000${counter}` + "646174615F656E635F6B657973" + "00" + "636F6E746573745F64617461" + "00000003" + "00000200");
    const expected = crypto.createHmac("sha256", h).update(message).digest("hex").toUpperCase();
    assert.equal(toHex(keys.slice(32 * (counter - 1), 32 * counter)), expected);
  }
});
