// The booth's worker: the slow work (deriving a credential's key, encrypting the ballot) off the
// page's main thread, so that the page stays responsive and its progress text is drawn.
//
// Messages in:  {id, type: "derive", credential, electionId, kdf}
//               {id, type: "encrypt", context (booth_context JSON), ballot, options}
// Messages out: {id, progress: {done, total}} while encrypting (done: random draws of the proofs
//               made so far, total: the ones this ballot needs), then {id, result} or {id, error}.

import { deviceChainingField, encryptBallot, loadContext, randomBelow } from "./electionguard.js";
import { credentialSeed, signingKey } from "./credentials.js";

// The proofs' random draws of one ballot: a range proof up to L draws 2L+1 numbers (spec §3.3.5),
// one per selection (its option limit) and one per contest (its contest limit), and the contest
// data's encryption two more.
function draws(raw, ballot) {
  const style = raw.styles.find((s) => s.index === ballot.style);
  let total = 0;
  for (const index of style ? style.contests : []) {
    const contest = raw.contests.find((c) => c.index === index);
    for (const limit of contest.option_limits) total += 2 * limit + 1;
    total += 2 * contest.contest_limit + 1 + 2;
  }
  return Math.max(total, 1);
}

// The election's context and the device's chaining field, made once per election and device.
let cached = { key: "", context: null, chaining: null };

async function prepared(raw, device) {
  const key = `${raw.extended_hash}/${device}`;
  if (cached.key !== key) {
    const context = loadContext(raw);
    cached = { key, context, chaining: await deviceChainingField(context, device) };
  }
  return cached;
}

async function encrypt(id, raw, ballot, options) {
  const { context, chaining: chainingField } = await prepared(raw, options.device);
  const total = draws(raw, ballot);
  let done = 0;
  let reported = 0;
  const below = (bound) => {
    done += 1;
    if (done - reported >= Math.max(1, Math.floor(total / 50))) {
      reported = done;
      postMessage({ id, progress: { done: Math.min(done, total), total } });
    }
    return randomBelow(bound);
  };
  const doc = await encryptBallot(context, ballot, { ...options, chainingField, below });
  postMessage({ id, progress: { done: total, total } });
  return doc;
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
    } else if (type === "encrypt") {
      const { context, ballot, options } = event.data;
      postMessage({ id, result: await encrypt(id, context, ballot, options) });
    } else {
      throw new Error(`unknown request ${type}`);
    }
  } catch (error) {
    postMessage({ id, error: String(error && error.message ? error.message : error) });
  }
};
