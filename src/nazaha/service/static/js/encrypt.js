// ElectionGuard 2.1 ballot encryption in the voter's browser (and in Node for tests), in two
// parts: what does not depend on the votes, prepared while the voter marks (prepareBallot), and
// what does, finished after the review (finishBallot). encryptBallot does both at once.
//
// A port of nazaha.voting.encrypt (ElectionGuard Design Specification 2.1):
//   ξ_i,j = H_q(H_I; 0x21, i, j, ξ_B)                                                 eq. 33
//   (α, β) = (g^ξ, K^(σ+ξ)), range proof up to R, challenge H_q(H_I; 0x24, i, j, α, β, a_0, b_0, ...)
//                                                                                     eqs. 31, 57-61
//   contest: (ᾱ, β̄) = Π (α, β), proof up to L, challenge H_q(H_I; 0x24, i, ᾱ, β̄, ...) eq. 62
//   C_ξB = (g^ξ̂, ξ_B ⊕ k_1, Schnorr proof)                                           eqs. 34-38
//   χ_l = H(H_I; 0x28, l, α_1, β_1, ...), H_C = H(H_I; 0x29, χ_1, ..., B_C)           eqs. 70-71
//
// Only the votes σ choose between values prepared in advance: every nonce ξ, every α = g^ξ, the
// commitments a_j = g^(u_j) and, for each value ℓ a ciphertext may hold, β = K^ξ·K^ℓ and the b_j
// of eq. 58 (K^(u_j + (ℓ−j)c_j) = K^(u_j) · (K^(c_j))^(ℓ−j), two more exponentiations per j). The
// random numbers are drawn in the order the one-pass encryption draws them (u_0..u_R, then the
// c_j with j ≠ ℓ in order of j), and the c_j for j ≠ ℓ are the same draws whatever ℓ is, so the
// ballot is byte for byte the Python core's for the same draws (tests/js/electionguard.test.mjs).
// After the review only the challenges are hashed and the responses computed mod q: no
// exponentiation is left. The output is the ballot file of Nazaha's record format
// (nazaha-record/1, state "pending"): the ballot box accepts it after checking every proof.

import {
  RECORD_FORMAT,
  ballotNonceKey,
  bytesToHex,
  hashH,
  hashQ,
  hexToBytes,
  randomBelow,
  xor,
} from "./electionguard.js";

/** The rows of a ballot's votes, checked against the style's limits: {contestIndex: [value per option]}. */
export function ballotRows(context, ballot) {
  const style = context.styles.get(ballot.style);
  if (!style) throw new Error(`unknown ballot style ${ballot.style}`);
  const rows = new Map();
  for (const contestIndex of style.contests) {
    const contest = context.contests.get(contestIndex);
    const row = ballot.values[contestIndex] || contest.option_limits.map(() => 0);
    if (row.length !== contest.option_limits.length) throw new Error(`contest ${contest.label}: wrong number of options`);
    row.forEach((value, j) => {
      if (!Number.isInteger(value) || value < 0 || value > contest.option_limits[j]) {
        throw new Error(`contest ${contest.label}: option ${j + 1} is over its limit`);
      }
    });
    if (row.reduce((a, b) => a + b, 0) > contest.contest_limit) throw new Error(`contest ${contest.label}: overvote`);
    rows.set(contestIndex, row);
  }
  return rows;
}

/** How many steps prepareBallot reports for a style: one per selection, one per contest, one for C_ξB. */
export function preparationSteps(context, styleIndex) {
  const style = context.styles.get(styleIndex);
  if (!style) throw new Error(`unknown ballot style ${styleIndex}`);
  let steps = 1;
  for (const index of style.contests) steps += context.contests.get(index).option_limits.length + 1;
  return steps;
}

// -- range proofs (eqs. 57-61) ---------------------------------------------------------------------

/** The part of a range proof up to ``limit`` that no value decides: the u_j, the c_j (j ≠ ℓ), the
 * a_j = g^(u_j), and b_j for every value ℓ in [0, limit] (eq. 58), as ``keyed[ℓ][j]``. */
function prepareRange(context, limit, below) {
  const { group, voteKey } = context;
  const { q } = group;
  const gTable = group.fixed(group.g);
  const kTable = group.fixed(voteKey);
  const randoms = [];
  for (let j = 0; j <= limit; j++) randoms.push(below(q));
  // The one-pass proof draws c_j for each j ≠ ℓ in order of j: draw k is c_k when k < ℓ, and
  // c_(k+1) otherwise. So c_j is fakes[j] when j < ℓ and fakes[j − 1] when j > ℓ.
  const fakes = [];
  for (let k = 0; k < limit; k++) fakes.push(below(q));
  const pads = randoms.map((u) => gTable.pow(u));
  const keyed = randoms.map(() => new Array(limit + 1));
  for (let j = 0; j <= limit; j++) {
    const own = kTable.pow(randoms[j]); // b_ℓ when j = ℓ (eq. 57)
    keyed[j][j] = own;
    if (j < limit) {
      const step = kTable.pow(fakes[j]); // ℓ > j: K^(u_j) · (K^(c_j))^(ℓ−j)
      let b = own;
      for (let value = j + 1; value <= limit; value++) keyed[value][j] = b = group.mul(b, step);
    }
    if (j > 0) {
      const step = kTable.pow(q - fakes[j - 1]); // ℓ < j: K^(u_j) · (K^(−c_j))^(j−ℓ)
      let b = own;
      for (let value = j - 1; value >= 0; value--) keyed[value][j] = b = group.mul(b, step);
    }
  }
  return { limit, randoms, fakes, pads, keyed };
}

/** Finish a prepared range proof for ``value`` with nonce ξ; ``challenge`` maps the commitments
 * a_0, b_0, ..., a_R, b_R to c (eq. 59 or 62). The challenges c_j and responses v_j (eqs. 60-61),
 * and the commitments it hashed (the proof's hint, sent with the ballot). */
async function finishRange(group, prepared, value, nonce, challenge) {
  const { q } = group;
  const { limit, randoms, fakes, pads, keyed } = prepared;
  const commitments = [];
  for (let j = 0; j <= limit; j++) commitments.push(pads[j], keyed[value][j]);
  const c = await challenge(commitments);
  const chosen = [];
  let others = 0n;
  for (let j = 0; j <= limit; j++) {
    chosen.push(j < value ? fakes[j] : j > value ? fakes[j - 1] : 0n);
    others += chosen[j];
  }
  chosen[value] = (((c - others) % q) + q) % q;
  const responses = randoms.map((u, j) => (((u - chosen[j] * nonce) % q) + q) % q);
  const proof = {
    challenges: chosen.map((cj) => group.fmtQ(cj)),
    responses: responses.map((v) => group.fmtQ(v)),
  };
  return { proof, commitments };
}

// -- ballot encryption (§3.3, §3.4) ---------------------------------------------------------------

/**
 * Prepare the encryption of a ballot of one style, before its votes are known.
 *   options: {selectionId: Uint8Array(32), ballotNonce: Uint8Array(32), below: bound => bigint,
 *             step: async (done, total) => void, called after each selection, contest and C_ξB
 *             (it may throw, to stop)}
 * Returns the prepared values (secret: the nonces and the proofs' u_j stay with the caller).
 * Each preparation is for one ballot only: finishBallot must not be given it twice.
 */
export async function prepareBallot(context, styleIndex, options) {
  const { group, voteKey, dataKey, extendedHash } = context;
  const below = options.below || randomBelow;
  const step = options.step || (async () => {});
  const q = group.q;
  const style = context.styles.get(styleIndex);
  if (!style) throw new Error(`unknown ballot style ${styleIndex}`);
  const total = preparationSteps(context, styleIndex);
  let done = 0;
  const gTable = group.fixed(group.g);
  const kTable = group.fixed(voteKey);
  const idHash = await hashH(group, extendedHash, 0x20, [{ raw: options.selectionId }]);
  const contests = [];
  for (const contestIndex of [...style.contests].sort((a, b) => a - b)) {
    const contest = context.contests.get(contestIndex);
    const selections = [];
    let nonceSum = 0n;
    let padProduct = 1n;
    let keyProduct = 1n;
    for (let j = 0; j < contest.option_limits.length; j++) {
      const optionIndex = j + 1;
      const limit = contest.option_limits[j];
      const nonce = await hashQ(group, idHash, 0x21, [
        { u32: contestIndex },
        { u32: optionIndex },
        { raw: options.ballotNonce },
      ]);
      nonceSum += nonce;
      const pad = gTable.pow(nonce);
      const datas = [kTable.pow(nonce)]; // β = K^(σ+ξ) for σ = 0, 1, ..., R
      for (let value = 1; value <= limit; value++) datas.push(group.mul(datas[value - 1], voteKey));
      const proof = prepareRange(context, limit, below);
      padProduct = group.mul(padProduct, pad);
      keyProduct = group.mul(keyProduct, datas[0]);
      selections.push({ option: optionIndex, nonce, pad, datas, proof });
      await step(++done, total);
    }
    const totals = [keyProduct]; // β̄ = Π β = K^(Σξ + ℓ) for ℓ = 0, 1, ..., L
    for (let value = 1; value <= contest.contest_limit; value++) totals.push(group.mul(totals[value - 1], voteKey));
    contests.push({
      index: contestIndex,
      selections,
      nonce: nonceSum % q,
      pad: padProduct,
      datas: totals,
      proof: prepareRange(context, contest.contest_limit, below),
    });
    await step(++done, total);
  }
  // C_ξB (eqs. 34-38): the nonce's encryption and its proof depend on no vote.
  const hatNonce = below(q);
  const noncePad = gTable.pow(hatNonce);
  const shared = group.pow(dataKey, hatNonce);
  const k1 = await ballotNonceKey(group, idHash, noncePad, shared);
  const masked = xor(options.ballotNonce, k1);
  const u = below(q);
  const commitment = gTable.pow(u);
  const challenge = await hashQ(group, idHash, 0x23, [{ p: commitment }, { p: noncePad }, { raw: masked }]);
  const response = (((u - challenge * hatNonce) % q) + q) % q;
  const encryptedNonce = {
    pad: group.fmtP(noncePad),
    masked: bytesToHex(masked),
    challenge: group.fmtQ(challenge),
    response: group.fmtQ(response),
  };
  await step(++done, total);
  return {
    style: styleIndex,
    selectionId: bytesToHex(options.selectionId),
    idHash,
    contests,
    encryptedNonce,
    nonceCommitment: commitment,
  };
}

/**
 * Finish a prepared ballot with its votes.
 *   ballot: {style: styleIndex, values: {contestIndex: [value per option, in manifest order]}}
 *   options: {device, chainingField: Uint8Array(36), encryptedAt: "YYYY-MM-DDTHH:MM:SSZ",
 *             labels: {contestIndex: label}}
 * Returns the ballot document (nazaha-record/1, state "pending"); ``JSON.stringify`` of it is the file.
 */
export async function finishBallot(context, prepared, ballot, options) {
  const { group } = context;
  if (ballot.style !== prepared.style) throw new Error("the ballot was prepared for another style");
  const rows = ballotRows(context, ballot);
  const { idHash } = prepared;
  const contests = [];
  const contestHashes = [];
  const hints = []; // every proof's commitments, in the order of nazaha.record.hints
  for (const contest of prepared.contests) {
    const row = rows.get(contest.index);
    const selections = [];
    const ciphertexts = [];
    for (const [j, selection] of contest.selections.entries()) {
      const pad = selection.pad;
      const data = selection.datas[row[j]];
      const { proof, commitments: made } = await finishRange(group, selection.proof, row[j], selection.nonce, (commitments) =>
        hashQ(group, idHash, 0x24, [
          { u32: contest.index },
          { u32: selection.option },
          { p: pad },
          { p: data },
          ...commitments.map((value) => ({ p: value })),
        ]),
      );
      ciphertexts.push(pad, data);
      hints.push(...made);
      selections.push({ option: selection.option, pad: group.fmtP(pad), data: group.fmtP(data), proof });
    }
    const total = row.reduce((a, b) => a + b, 0);
    const dataProduct = contest.datas[total];
    const { proof: limitProof, commitments: limitMade } = await finishRange(group, contest.proof, total, contest.nonce, (commitments) =>
      hashQ(group, idHash, 0x24, [
        { u32: contest.index },
        { p: contest.pad },
        { p: dataProduct },
        ...commitments.map((value) => ({ p: value })),
      ]),
    );
    hints.push(...limitMade);
    const chi = await hashH(group, idHash, 0x28, [{ u32: contest.index }, ...ciphertexts.map((value) => ({ p: value }))]);
    contestHashes.push(chi);
    contests.push({
      contest: contest.index,
      label: options.labels[contest.index],
      selections,
      proof: limitProof,
      contest_hash: bytesToHex(chi),
    });
  }
  const code = await hashH(group, idHash, 0x29, [...contestHashes.map((chi) => ({ raw: chi })), { raw: options.chainingField }]);
  hints.push(prepared.nonceCommitment);
  const doc = {
    format: RECORD_FORMAT,
    state: "pending",
    confirmation_code: bytesToHex(code),
    selection_id: prepared.selectionId,
    id_hash: bytesToHex(idHash),
    style: ballot.style,
    device: options.device,
    encrypted_at: options.encryptedAt,
    chaining_field: bytesToHex(options.chainingField),
    contests,
    encrypted_nonce: prepared.encryptedNonce,
  };
  // Not a member of the file (JSON.stringify leaves it out): sent beside it (submissionEnvelope).
  Object.defineProperty(doc, "proofHints", { value: hints, enumerable: false });
  return doc;
}

/**
 * The ballot file ``body`` (a string) with the commitments its proofs hashed (``doc.proofHints``),
 * as the ballot box takes them: "NZB1", the file's length (4 bytes, big-endian), the file, then
 * the hint file "NZH1", the count (4 bytes) and each value in l_p bytes (docs/record-format.md).
 * With them the door checks the ballot's proofs in one batch test instead of one at a time.
 */
export function submissionEnvelope(group, body, hints) {
  const file = new TextEncoder().encode(body);
  const width = group.fmtP(0n).length / 2;
  const out = new Uint8Array(8 + file.length + 8 + hints.length * width);
  const view = new DataView(out.buffer);
  out.set([0x4e, 0x5a, 0x42, 0x31]); // NZB1
  view.setUint32(4, file.length);
  out.set(file, 8);
  let at = 8 + file.length;
  out.set([0x4e, 0x5a, 0x48, 0x31], at); // NZH1
  view.setUint32(at + 4, hints.length);
  at += 8;
  for (const value of hints) {
    out.set(hexToBytes(group.fmtP(value)), at);
    at += width;
  }
  return out;
}

/**
 * Encrypt a ballot in one pass: prepareBallot, then finishBallot.
 *   options: both functions' options (selectionId, ballotNonce, below, device, chainingField,
 *            encryptedAt, labels)
 */
export async function encryptBallot(context, ballot, options) {
  ballotRows(context, ballot); // an overvote is refused before anything is encrypted
  const prepared = await prepareBallot(context, ballot.style, options);
  return finishBallot(context, prepared, ballot, options);
}
