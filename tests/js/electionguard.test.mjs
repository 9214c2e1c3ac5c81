// Known-answer tests of the browser's ballot encryption against Nazaha's Python core.
// Run by `make test` (node --test tests/js). The vectors come from tests/js/make_vectors.py.

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import {
  bytesToHex,
  deviceChainingField,
  encryptBallot,
  hexToBytes,
  loadContext,
  openBallot,
  randomBelow,
} from "../../src/nazaha/service/static/js/electionguard.js";

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

test("randomBelow stays below its bound", () => {
  const bound = context.group.q;
  for (let i = 0; i < 50; i++) {
    const value = randomBelow(bound);
    assert.ok(value >= 0n && value < bound);
  }
  for (let i = 0; i < 200; i++) assert.ok(randomBelow(7n) < 7n);
});
