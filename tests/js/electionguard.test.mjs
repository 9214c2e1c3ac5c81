// Known-answer tests of the browser's ballot encryption against Nazaha's Python core.
// Run by `make test` (node --test tests/js). The vectors come from tests/js/make_vectors.py.

import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";

import {
  BALLOT_NONCE_CONTEXT,
  BALLOT_NONCE_LABEL,
  ballotNonceKey,
  bytesToHex,
  deviceChainingField,
  FixedBase,
  hexToBytes,
  intToBytes,
  loadContext,
  openBallot,
  randomBelow,
} from "../../src/nazaha/service/static/js/electionguard.js";
import {
  encryptBallot,
  finishBallot,
  preparationSteps,
  prepareBallot,
  submissionEnvelope,
} from "../../src/nazaha/service/static/js/encrypt.js";

const vectors = JSON.parse(readFileSync(new URL("./vectors.json", import.meta.url), "utf-8"));
const context = loadContext(vectors.context);
const labels = Object.fromEntries(Object.entries(vectors.labels).map(([k, v]) => [Number(k), v]));

function replay(values) {
  const queue = values.map((hex) => BigInt("0x" + hex));
  return () => {
    if (!queue.length) throw new Error("the replayed randomness ran out");
    return queue.shift();
  };
}

function values(vector) {
  return Object.fromEntries(Object.entries(vector.values).map(([k, v]) => [Number(k), v]));
}

test("the chaining field of a booth without chaining matches the core", async () => {
  const field = await deviceChainingField(context, vectors.context.device);
  assert.equal(bytesToHex(field), JSON.parse(vectors.ballots[0].file).chaining_field);
});

for (const [number, vector] of vectors.ballots.entries()) {
  test(`ballot ${number + 1} encrypts to the core's file byte for byte`, async () => {
    const doc = await encryptBallot(
      context,
      { style: vector.style, values: values(vector) },
      {
        selectionId: hexToBytes(vector.selection_id),
        ballotNonce: hexToBytes(vector.ballot_nonce),
        device: vectors.context.device,
        chainingField: await deviceChainingField(context, vectors.context.device),
        encryptedAt: vector.encrypted_at,
        below: replay(vector.randomness),
        labels,
      },
    );
    assert.equal(JSON.stringify(doc), vector.file);
    // The envelope carries the file byte for byte, then the core's own hint file.
    const envelope = submissionEnvelope(context.group, vector.file, doc.proofHints);
    const view = new DataView(envelope.buffer);
    assert.equal(new TextDecoder().decode(envelope.subarray(0, 4)), "NZB1");
    const length = view.getUint32(4);
    assert.equal(new TextDecoder().decode(envelope.subarray(8, 8 + length)), vector.file);
    const hints = envelope.subarray(8 + length);
    assert.equal(createHash("sha256").update(hints).digest("hex").toUpperCase(), vector.hints_sha256);
  });

  test(`ballot ${number + 1} opens with its nonce to what was marked`, async () => {
    const opened = await openBallot(context, JSON.parse(vector.file), hexToBytes(vector.ballot_nonce));
    assert.deepEqual(opened, vector.values);
  });
}

test("a wrong nonce does not open a ballot", async () => {
  const vector = vectors.ballots[0];
  const wrong = hexToBytes(vector.ballot_nonce);
  wrong[0] ^= 1;
  await assert.rejects(openBallot(context, JSON.parse(vector.file), wrong), /does not open/);
});

test("an overvote is refused before anything is encrypted", async () => {
  const vector = vectors.ballots[0];
  const over = values(vector);
  over[1] = over[1].map(() => 1);
  await assert.rejects(
    encryptBallot(context, { style: vector.style, values: over }, {
      selectionId: hexToBytes(vector.selection_id),
      ballotNonce: hexToBytes(vector.ballot_nonce),
      device: "web-booth",
      chainingField: await deviceChainingField(context, "web-booth"),
      encryptedAt: vector.encrypted_at,
      labels,
    }),
    /overvote/,
  );
});

test("a ballot prepared before its votes are known finishes to the core's file, step by step", async () => {
  const vector = vectors.ballots[2]; // a contest of limit 3 filled: every branch of its limit proof
  const steps = [];
  const prepared = await prepareBallot(context, vector.style, {
    selectionId: hexToBytes(vector.selection_id),
    ballotNonce: hexToBytes(vector.ballot_nonce),
    below: replay(vector.randomness),
    step: async (done, total) => steps.push([done, total]),
  });
  const total = preparationSteps(context, vector.style);
  assert.deepEqual(steps, Array.from({ length: total }, (_, i) => [i + 1, total]));
  const options = {
    device: vectors.context.device,
    chainingField: await deviceChainingField(context, vectors.context.device),
    encryptedAt: vector.encrypted_at,
    labels,
  };
  const other = { style: vectors.ballots[3].style, values: values(vectors.ballots[3]) };
  await assert.rejects(finishBallot(context, prepared, other, options), /another style/);
  const over = values(vector);
  over[1] = over[1].map(() => 1);
  await assert.rejects(finishBallot(context, prepared, { style: vector.style, values: over }, options), /overvote/);
  const doc = await finishBallot(context, prepared, { style: vector.style, values: values(vector) }, options);
  assert.equal(JSON.stringify(doc), vector.file);
});

test("the tables of powers agree with square-and-multiply", () => {
  const group = context.group;
  const table = new FixedBase(group, context.voteKey);
  const q = group.q;
  for (const exponent of [0n, 1n, 15n, 16n, 255n, q - 1n, q, q + 5n, -3n, randomBelow(q), randomBelow(q)]) {
    let expected = 1n;
    let base = context.voteKey;
    for (let e = ((exponent % q) + q) % q; e > 0n; e >>= 1n) {
      if (e & 1n) expected = (expected * base) % group.p;
      base = (base * base) % group.p;
    }
    assert.equal(table.pow(exponent), expected, `K^${exponent}`);
  }
});

test("randomBelow stays below its bound", () => {
  const bound = context.group.q;
  for (let i = 0; i < 50; i++) {
    const value = randomBelow(bound);
    assert.ok(value >= 0n && value < bound);
  }
  for (let i = 0; i < 200; i++) assert.ok(randomBelow(7n) < 7n);
});

// Known answer of the ballot-nonce KDF from the spec's byte layout, the same inputs and values as
// tests/unit/test_kdf_vectors.py: §3.3.4 eqs. (35)-(36), PDF p. 30, table §5.5.3 (p. 75).
//   h = H(H_I; 0x22, α_B, β_B), B1 = 0x22 ‖ b(α_B, 512) ‖ b(β_B, 512)
//   k_1 = HMAC(h, 0x01 ‖ b("ballot_nonce", 12) ‖ 0x00 ‖ b("ballot_nonce_encrypt", 20) ‖ 0x0100)
test("the ballot-nonce KDF follows the spec's bytes (eq. 36, with underscores)", async () => {
  const group = context.group;
  const idHash = Uint8Array.from({ length: 32 }, (_, i) => i);
  const pad = group.pow(group.g, 5n);
  const shared = group.pow(group.g, 7n);
  const b1 = new Uint8Array([0x22, ...intToBytes(pad, 512), ...intToBytes(shared, 512)]);
  assert.equal(b1.length, 1025);
  const h = createHmac("sha256", idHash).update(b1).digest();
  assert.equal(bytesToHex(h), "D4A1B4EC057382FFFFAB7C56C3663C0280623AD96A2EAB916290C312AA65D99C");
  const message = hexToBytes(
    "01" + // counter
      "62616C6C6F745F6E6F6E6365" + // Label = b("ballot_nonce", 12): 5F is the underscore
      "00" +
      "62616C6C6F745F6E6F6E63655F656E6372797074" + // Context = b("ballot_nonce_encrypt", 20)
      "0100", // 256 bits of key material
  );
  const k1 = "BE41E84C4A086BC74BB6AA33379265A8BEFADF25E769ED171D22724E0A391631";
  assert.equal(createHmac("sha256", h).update(message).digest("hex").toUpperCase(), k1);
  assert.equal(bytesToHex(await ballotNonceKey(group, idHash, pad, shared)), k1);
  assert.equal(BALLOT_NONCE_LABEL, "ballot_nonce");
  assert.equal(BALLOT_NONCE_CONTEXT, "ballot_nonce_encrypt");
});
