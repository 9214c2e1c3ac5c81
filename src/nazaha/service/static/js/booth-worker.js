// The booth's worker: the slow work (deriving a credential's key, encrypting and opening the
// ballot) off the page's main thread, so that the page stays responsive and its progress is drawn.
//
// Messages in:  {id, type: "derive", credential, electionId, kdf}
//               {id, type: "prepare", context (booth_context JSON), style, selectionId, ballotNonce}
//               {id, type: "encrypt", context, ballot, options, signer, upload}
//               {id, type: "open", context, body, ballotNonce}
// Messages out: {id, progress: {done, total}} while a ballot is prepared for an "encrypt" that
//               waits for it, {id, progress: {encrypted: true}} once it is encrypted (and signed),
//               then {id, result} or {id, error}.
//
// "prepare" starts the part of a ballot's encryption that does not depend on the votes (every
// exponentiation: encrypt.js) while the voter marks; it answers {ready: true} when done, or the
// error "superseded" when another "prepare" or an "encrypt" for other nonces replaced it. One
// preparation at a time, each used by one "encrypt" at most (the one with its selection id and
// ballot nonce): it is forgotten as soon as that encryption starts. An "encrypt" finds its
// preparation done ("ahead"), still running ("partly") or absent, and then prepares first
// ("after"). It then signs the ballot with the voter's key (signer, when credentials are needed),
// sends the file to the ballot box (POST upload) and answers {code, credential, body (the file),
// prepared, ok, status, reply (the ballot box's answer)}: the page has no document to copy, encode
// and send, which took it longer than its 100 ms at a slow phone's speed.

import { bytesToHex, deviceChainingField, loadContext, openBallot } from "./electionguard.js";
import { finishBallot, prepareBallot, submissionEnvelope } from "./encrypt.js";
import { credentialSeed, signBallot, signingKey } from "./credentials.js";

// The election's context (with its tables of powers of g and K) and the device's chaining
// field, made once per election and device.
let cached = { key: "", context: null, chaining: null };

async function prepared(raw, device) {
  const key = `${raw.extended_hash}/${device}`;
  if (cached.key !== key) {
    const context = loadContext(raw);
    cached = { key, context, chaining: await deviceChainingField(context, device) };
  }
  return cached;
}

class Superseded extends Error {
  constructor() {
    super("superseded");
  }
}

// The one preparation in progress or done: {key, nonce, cancelled, done, promise, listeners}.
let job = null;

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

// Give incoming messages (a new style, the encryption) their turn between the steps: a message
// to ourselves queues behind them (setTimeout would, too, but nested ones wait 4 ms each).
const yielding = new MessageChannel();
const resumes = [];
yielding.port1.onmessage = () => resumes.shift()();
const turn = () =>
  new Promise((resolve) => {
    resumes.push(resolve);
    yielding.port2.postMessage(null);
  });

// Forget a preparation: it stops at its next step, and its copy of ξ_B is wiped once it has.
function drop(old) {
  old.cancelled = true;
  old.promise.finally(() => old.nonce.fill(0)).catch(() => {});
}

function startJob(raw, style, selectionId, ballotNonce) {
  if (job) drop(job);
  const current = {
    key: `${raw.extended_hash}/${style}/${bytesToHex(selectionId)}`,
    nonce: ballotNonce,
    cancelled: false,
    done: false,
    listeners: [],
  };
  current.promise = (async () => {
    await turn();
    if (current.cancelled) throw new Superseded();
    const { context } = await prepared(raw, raw.device);
    const result = await prepareBallot(context, style, {
      selectionId,
      ballotNonce,
      step: async (done, total) => {
        for (const listener of current.listeners) listener({ done, total });
        await turn();
        if (current.cancelled) throw new Superseded();
      },
    });
    current.done = true;
    return result;
  })();
  current.promise.catch(() => {}); // a superseded preparation has nobody to tell
  job = current;
  return current;
}

async function encrypt(id, raw, ballot, options, signer, upload) {
  const { context, chaining: chainingField } = await prepared(raw, options.device);
  const key = `${raw.extended_hash}/${ballot.style}/${bytesToHex(options.selectionId)}`;
  let mine = job && job.key === key && !job.cancelled && sameBytes(job.nonce, options.ballotNonce) ? job : null;
  const how = mine ? (mine.done ? "ahead" : "partly") : "after";
  if (!mine) mine = startJob(raw, ballot.style, options.selectionId, options.ballotNonce);
  job = null; // used once: no later message reaches this preparation
  mine.listeners.push((progress) => postMessage({ id, progress }));
  let doc;
  try {
    const ready = await mine.promise;
    doc = await finishBallot(context, ready, ballot, { ...options, chainingField });
  } finally {
    mine.nonce.fill(0);
    options.ballotNonce.fill(0);
  }
  if (signer) Object.assign(doc, await signBallot(signer, raw.extended_hash, doc.confirmation_code));
  postMessage({ id, progress: { encrypted: true } });
  const body = JSON.stringify(doc);
  // Sent with the commitments its proofs hashed, so that the ballot box checks them in one batch.
  const envelope = submissionEnvelope(context.group, body, doc.proofHints);
  const response = await fetch(upload, {
    method: "POST",
    headers: { "Content-Type": "application/octet-stream" },
    body: envelope,
  });
  const reply = await response.json().catch(() => ({}));
  return {
    code: doc.confirmation_code,
    credential: doc.credential || "",
    body,
    prepared: how,
    ok: response.ok,
    status: response.status,
    reply,
  };
}

onmessage = async (event) => {
  const { id, type } = event.data;
  try {
    if (type === "derive") {
      const { credential, electionId, kdf } = event.data;
      const seed = await credentialSeed(credential, electionId, kdf);
      const signer = await signingKey(seed);
      seed.fill(0);
      postMessage({ id, result: signer });
    } else if (type === "prepare") {
      const { context, style, selectionId, ballotNonce } = event.data;
      await startJob(context, style, selectionId, ballotNonce).promise;
      postMessage({ id, result: { ready: true } });
    } else if (type === "encrypt") {
      const { context, ballot, options, signer, upload } = event.data;
      postMessage({ id, result: await encrypt(id, context, ballot, options, signer, upload) });
    } else if (type === "open") {
      const { context, body, ballotNonce } = event.data;
      const { context: loaded } = await prepared(context, context.device);
      const opened = await openBallot(loaded, JSON.parse(body), ballotNonce);
      ballotNonce.fill(0); // the page keeps its own copy, which it shows
      postMessage({ id, result: opened });
    } else {
      throw new Error(`unknown request ${type}`);
    }
  } catch (error) {
    postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
};
