// Known-answer tests of the browser's credentials (static/js/credentials.js) against the Python
// core: RFC 7914's scrypt vectors, and typed credentials to seeds, public keys and signatures.
// Run by `make test` (node --test tests/js). The vectors come from tests/js/make_credential_vectors.py.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  CredentialError,
  credentialSeed,
  formatCredential,
  normalizeCredential,
  scrypt,
  signBallot,
  signingKey,
} from "../../src/nazaha/service/static/js/credentials.js";

const vectors = JSON.parse(readFileSync(new URL("./credential_vectors.json", import.meta.url), "utf-8"));
const encoder = new TextEncoder();
const hex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");

test("scrypt reproduces RFC 7914's test vectors", async () => {
  for (const c of vectors.scrypt) {
    const derived = await scrypt(encoder.encode(c.password), encoder.encode(c.salt), c.n, c.r, c.p, c.length);
    assert.equal(hex(derived), c.dk);
  }
});

test("typed credentials give the core's seeds, public keys and ballot signatures", async () => {
  for (const c of vectors.credentials) {
    assert.equal(normalizeCredential(c.typed), c.normal);
    assert.equal(formatCredential(c.typed).replace(/-/gu, ""), c.normal);
    const seed = await credentialSeed(c.typed, vectors.election_id, vectors.kdf);
    assert.equal(hex(seed).toUpperCase(), c.seed);
    const signer = await signingKey(seed);
    assert.equal(signer.publicKey, c.public_key);
    const signed = await signBallot(signer, vectors.extended_hash, vectors.code);
    assert.deepEqual(signed, { credential: c.public_key, credential_signature: c.signature });
  }
});

test("a mistyped credential is refused, saying how", () => {
  for (const c of vectors.invalid) {
    assert.throws(() => normalizeCredential(c.typed), (error) => error instanceof CredentialError && error.message === c.why);
  }
});
