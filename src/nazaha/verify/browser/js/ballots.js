// Checks of each ballot (Verifications 5.B, 6, 7, 8, check N, 13 and 14 of ElectionGuard 2.1
// §6.2) and the signatures it carries, chunk by chunk. A chunk's result holds only plain values
// (strings, numbers, arrays), so chunks run in Web Workers and their results merge in any order.

import { bigFromHex, Group } from "./arith.js";
import { ed25519Verify } from "./ed25519.js";
import * as H from "./hashes.js";
import { fromHex, sha256, toHex } from "./sha256.js";

const UTF8 = new TextEncoder();
const DECODER = new TextDecoder("utf-8", { fatal: true });
const NO_CHAINING = "00000000";
const SIMPLE_CHAINING = "00000001";
const BALLOT_SIGNATURE_CONTEXT = UTF8.encode("nazaha-ballot-signature/1");

export class Findings {
  constructor() {
    this.failures = {};
    this.items = {};
    this.warnings = [];
  }

  fail(label, subject, message, number) {
    const check = number ?? label.split(".")[0];
    (this.failures[check] ??= []).push({ label, subject, message });
  }

  count(number, amount = 1) {
    this.items[number] = (this.items[number] ?? 0) + amount;
  }

  warn(name, subject, message) {
    this.warnings.push({ name, subject, message });
  }

  merge(other) {
    for (const [number, failures] of Object.entries(other.failures)) (this.failures[number] ??= []).push(...failures);
    for (const [number, count] of Object.entries(other.items)) this.count(number, count);
    this.warnings.push(...other.warnings);
  }
}

export class FormatError extends Error {}

/** Parse a record file as canonical JSON (what Nazaha writes); FormatError otherwise. */
export function parseCanonical(bytes, where) {
  let text;
  let value;
  try {
    text = DECODER.decode(bytes);
    value = JSON.parse(text);
  } catch (error) {
    throw new FormatError(`${where}: not valid UTF-8 JSON (${error.message})`);
  }
  if (JSON.stringify(value) !== text) throw new FormatError(`${where}: not in canonical form`);
  return value;
}

function hexOf(value, width, where) {
  if (typeof value !== "string" || value.length !== 2 * width || !/^[0-9A-F]*$/.test(value)) {
    throw new FormatError(`${where}: expected ${2 * width} uppercase hexadecimal digits`);
  }
  return value;
}

function intP(group, value, where) {
  const x = bigFromHex(hexOf(value, group.pBytes, where));
  if (x >= group.p) throw new FormatError(`${where}: not below p`);
  return x;
}

function intQ(group, value, where) {
  return bigFromHex(hexOf(value, group.qBytes, where));
}

function intBelowQ(group, value, where) {
  const x = intQ(group, value, where);
  if (x >= group.q) throw new FormatError(`${where}: not below q`);
  return x;
}

/** A non-empty whole number of 32-byte blocks, as hexadecimal (contest data C_1 or D). */
function blocksOf(value, where) {
  const blocks = typeof value === "string" ? Math.floor(value.length / 64) : 0;
  if (blocks === 0 || value.length !== 64 * blocks) {
    throw new FormatError(`${where}: contest data is a non-empty whole number of 32-byte blocks`);
  }
  return fromHex(hexOf(value, 32 * blocks, where));
}

/** C = (C_0, C_1, C_2) of a contest (§3.3.10), or null when the contest has none. */
function decodeContestData(group, doc, where) {
  if (doc === undefined || doc === null) return null;
  return {
    pad: intP(group, doc.pad, `${where}.pad`),
    masked: blocksOf(doc.masked, `${where}.masked`),
    challenge: intBelowQ(group, doc.challenge, `${where}.challenge`),
    response: intBelowQ(group, doc.response, `${where}.response`),
  };
}

function intOf(value, where) {
  if (!Number.isInteger(value) || value < 0) throw new FormatError(`${where}: expected a non-negative integer`);
  return value;
}

function decodeProof(group, doc, where) {
  if (!doc || !Array.isArray(doc.challenges) || !Array.isArray(doc.responses)) {
    throw new FormatError(`${where}: a range proof needs challenges and responses`);
  }
  return {
    challenges: doc.challenges.map((c, j) => intQ(group, c, `${where}.challenges[${j}]`)),
    responses: doc.responses.map((v, j) => intQ(group, v, `${where}.responses[${j}]`)),
  };
}

export function decodeBallot(group, bytes, where) {
  const doc = parseCanonical(bytes, where);
  if (doc.format !== "nazaha-record/1") throw new FormatError(`${where}: format must be nazaha-record/1`);
  const contests = (doc.contests ?? []).map((c, i) => {
    const at = `${where}: contests[${i}]`;
    return {
      index: intOf(c.contest, `${at}.contest`),
      label: String(c.label),
      selections: c.selections.map((s, j) => ({
        option: intOf(s.option, `${at}.selections[${j}].option`),
        pad: intP(group, s.pad, `${at}.selections[${j}].pad`),
        data: intP(group, s.data, `${at}.selections[${j}].data`),
        proof: decodeProof(group, s.proof, `${at}.selections[${j}].proof`),
      })),
      proof: decodeProof(group, c.proof, `${at}.proof`),
      contestHash: hexOf(c.contest_hash, 32, `${at}.contest_hash`),
      contestData: decodeContestData(group, c.contest_data, `${at}.contest_data`),
    };
  });
  const nonce = doc.encrypted_nonce ?? {};
  const optionalHex = (value, width, name) => (value === undefined ? "" : hexOf(value, width, `${where}: ${name}`));
  return {
    state: doc.state,
    code: hexOf(doc.confirmation_code, 32, `${where}: confirmation_code`),
    selectionId: hexOf(doc.selection_id, 32, `${where}: selection_id`),
    idHash: hexOf(doc.id_hash, 32, `${where}: id_hash`),
    style: intOf(doc.style, `${where}: style`),
    device: String(doc.device),
    chaining: hexOf(doc.chaining_field, 36, `${where}: chaining_field`),
    contests,
    nonce: {
      pad: intP(group, nonce.pad, `${where}: encrypted_nonce.pad`),
      masked: hexOf(nonce.masked, 32, `${where}: encrypted_nonce.masked`),
      challenge: intQ(group, nonce.challenge, `${where}: encrypted_nonce.challenge`),
      response: intQ(group, nonce.response, `${where}: encrypted_nonce.response`),
    },
    credential: optionalHex(doc.credential, 32, "credential"),
    credentialSignature: optionalHex(doc.credential_signature, 64, "credential_signature"),
    deviceSignature: optionalHex(doc.device_signature, 64, "device_signature"),
  };
}

function decodeOpening(group, bytes, where) {
  const doc = parseCanonical(bytes, where);
  return {
    code: hexOf(doc.confirmation_code, 32, `${where}: confirmation_code`),
    contests: doc.contests.map((c, i) => {
      const at = `${where}: contests[${i}]`;
      const dataNonce = c.data_nonce ?? "";
      const data = c.data ?? "";
      if (Boolean(dataNonce) !== Boolean(data)) throw new FormatError(`${at}.data: contest data and its nonce come together`);
      return {
        index: intOf(c.contest, `${at}.contest`),
        label: String(c.label),
        selections: c.selections.map((s, j) => ({
          option: intOf(s.option, `${at}.selections[${j}].option`),
          label: String(s.label),
          nonce: intQ(group, s.nonce, `${at}.selections[${j}].nonce`),
          value: intOf(s.value, `${at}.selections[${j}].value`),
        })),
        data: data ? blocksOf(data, `${at}.data`) : null,
        dataNonce: dataNonce ? intBelowQ(group, dataNonce, `${at}.data_nonce`) : null,
      };
    }),
  };
}

/** The context a worker needs, from plain values (see ``ballotContext`` in runner.js). */
export class BallotContext {
  constructor(plain) {
    this.plain = plain;
    this.group = new Group(BigInt("0x" + plain.p), BigInt("0x" + plain.q), BigInt("0x" + plain.g));
    this.voteKey = BigInt("0x" + plain.voteKey);
    this.dataKey = BigInt("0x" + plain.dataKey);
    this.extendedHash = fromHex(plain.extendedHash);
    this.manifest = plain.manifest;
    this.deviceKeys = plain.deviceKeys;
    this.superseded = new Set(plain.superseded);
  }
}

function optionLimit(contest, option) {
  return Math.min(option.selection_limit ?? 1, contest.selection_limit ?? 1);
}

function contestLimit(contest) {
  return Math.min(contest.selection_limit ?? 1, contest.options.reduce((t, o) => t + (o.selection_limit ?? 1), 0));
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Verification 6/7 range proof (eqs. 57-62): throws a label suffix (B, C, D) with a message. */
function verifyRange(ctx, pad, data, proof, limit, challenge) {
  const { group } = ctx;
  const q = group.q;
  if (proof.challenges.length !== limit + 1 || proof.responses.length !== limit + 1) {
    return ["B", `expected ${limit + 1} challenges and responses, got ${proof.challenges.length} and ${proof.responses.length}`];
  }
  for (const [j, c] of proof.challenges.entries()) if (c >= q) return ["B", `challenge c_${j} is not in Z_q`];
  for (const [j, v] of proof.responses.entries()) if (v >= q) return ["C", `response v_${j} is not in Z_q`];
  const key = group.fixed(ctx.voteKey);
  const commitments = [];
  for (let j = 0; j <= limit; j++) {
    const c = proof.challenges[j];
    const v = proof.responses[j];
    commitments.push(group.mul(group.gPow(v), group.pow(pad, c)));
    const w = (((v - BigInt(j) * c) % q) + q) % q;
    commitments.push(group.mul(key.pow(w), group.pow(data, c)));
  }
  const expected = challenge(commitments);
  const sum = proof.challenges.reduce((t, c) => t + c, 0n) % q;
  if (expected !== sum) return ["D", "the challenges do not add up to the hash of the commitments"];
  return null;
}

function checkStructure(ctx, ballot, subject, findings) {
  const manifest = ctx.manifest;
  if (ballot.style < 1 || ballot.style > manifest.ballot_styles.length) {
    findings.fail("0.S", subject, `ballot style index ${ballot.style} names no ballot style`);
    return false;
  }
  const style = manifest.ballot_styles[ballot.style - 1];
  const present = ballot.contests.map((c) => c.index);
  const wanted = [...style.contests].sort((a, b) => a - b);
  if (JSON.stringify(present) !== JSON.stringify(wanted)) {
    findings.fail("0.S", subject, `ballot style ${style.label} has contests ${wanted}, the ballot has ${present}`);
    return false;
  }
  let ok = true;
  for (const contest of ballot.contests) {
    const info = manifest.contests[contest.index - 1];
    if (contest.label !== info.label) {
      findings.fail("0.S", subject, `contest ${contest.index} is labelled ${contest.label}, the manifest says ${info.label}`);
      ok = false;
    }
    const options = contest.selections.map((s) => s.option);
    if (JSON.stringify(options) !== JSON.stringify(info.options.map((_, j) => j + 1))) {
      findings.fail("0.S", subject, `contest ${info.label} must have one encryption per option, in order`);
      ok = false;
    }
  }
  return ok;
}

function checkSelections(ctx, ballot, subject, findings) {
  const { group } = ctx;
  const hI = fromHex(ballot.idHash);
  for (const contest of ballot.contests) {
    const info = ctx.manifest.contests[contest.index - 1];
    let allInGroup = true;
    for (const selection of contest.selections) {
      findings.count("6");
      const option = info.options[selection.option - 1];
      const where = `${subject}, contest ${info.label}, option ${option.label}`;
      if (!(group.isElement(selection.pad) && group.isElement(selection.data))) {
        findings.fail("6.A", where, "α or β is not in Z_p^r");
        allInGroup = false;
        continue;
      }
      const failed = verifyRange(ctx, selection.pad, selection.data, selection.proof, optionLimit(info, option), (commitments) =>
        H.selectionChallenge(group, hI, contest.index, selection.option, selection.pad, selection.data, commitments),
      );
      if (failed) findings.fail(`6.${failed[0]}`, where, failed[1]);
    }
    findings.count("7");
    const where = `${subject}, contest ${info.label}`;
    if (!allInGroup) {
      findings.fail("7.A", where, "an encryption in the contest is not in Z_p^r");
      continue;
    }
    const pad = contest.selections.reduce((t, s) => group.mul(t, s.pad), 1n);
    const data = contest.selections.reduce((t, s) => group.mul(t, s.data), 1n);
    const failed = verifyRange(ctx, pad, data, contest.proof, contestLimit(info), (commitments) =>
      H.contestLimitChallenge(group, hI, contest.index, pad, data, commitments),
    );
    if (failed) findings.fail(`7.${failed[0]}`, where, failed[1]);
  }
}

function checkNonceProof(ctx, ballot, subject, findings) {
  const { group } = ctx;
  const nonce = ballot.nonce;
  findings.count("N");
  if (!group.isElement(nonce.pad)) {
    findings.fail("N.A", subject, "C_ξB,0 (the encrypted ballot nonce's α_B) is not in Z_p^r");
    return;
  }
  if (!(group.inQ(nonce.challenge) && group.inQ(nonce.response))) {
    findings.fail("N.B", subject, "the ballot-nonce proof's c_B or v_B is not in Z_q");
    return;
  }
  const commitment = group.mul(group.gPow(nonce.response), group.pow(nonce.pad, nonce.challenge));
  const expected = H.ballotNonceChallenge(group, fromHex(ballot.idHash), commitment, nonce.pad, fromHex(nonce.masked));
  if (expected !== nonce.challenge) {
    findings.fail("N.C", subject, "the ballot-nonce proof does not verify: c_B != H_q(H_I; 0x23, g^v_B · C_ξB,0^c_B, C_ξB,0, C_ξB,1)");
  }
}

/**
 * Check D for one ballot: contest data exactly where the manifest declares b_Λ > 0 blocks, of
 * 32·b_Λ bytes, C_0 in Z_p^r and C_2 = (c, v) a proof of knowledge of its nonce (eq. 69):
 * a = g^v · C_0^c mod p, c = H_q(H_I; 0x27, ind_c(Λ), a, C_0, C_1). §6.2 leaves this proof to the
 * guardians (§3.6.6); the verifier checks it on every ballot, as it does the ballot nonce's (N).
 */
function checkContestData(ctx, ballot, subject, findings) {
  const { group } = ctx;
  for (const contest of ballot.contests) {
    const info = ctx.manifest.contests[contest.index - 1];
    const blocks = info.contest_data_blocks ?? 0;
    const data = contest.contestData;
    if (data === null && !blocks) continue;
    findings.count("D");
    const where = `${subject}, contest '${info.label}'`;
    if (data === null) {
      findings.fail("D.A", where, "the manifest declares contest data, the ballot has none");
      continue;
    }
    if (data.masked.length !== 32 * blocks) {
      findings.fail("D.A", where, `the contest data is ${data.masked.length} bytes, the manifest declares ${blocks} blocks of 32`);
      continue;
    }
    if (!group.isElement(data.pad) || !(group.inQ(data.challenge) && group.inQ(data.response))) {
      findings.fail("D.B", where, "C_0 is not in Z_p^r, or the proof's c or v is not in Z_q");
      continue;
    }
    const commitment = group.mul(group.gPow(data.response), group.pow(data.pad, data.challenge));
    const expected = H.contestDataChallenge(group, fromHex(ballot.idHash), contest.index, commitment, data.pad, data.masked);
    if (expected !== data.challenge) {
      findings.fail("D.C", where, "the contest data's proof does not verify: c != H_q(H_I; 0x27, l, a, C_0, C_1)");
    }
  }
}

/**
 * Verification 13.4-13.A for one contest of a challenged ballot: the published contest data nonce
 * ξ reproduces C_0 = g^ξ, and with β = K-hat^ξ, h and k_1 ... k_bΛ (13.5-13.7) the published D
 * re-encrypts to C_1 = D_1 ⊕ k_1 ‖ ... ‖ D_bΛ ⊕ k_bΛ.
 */
function checkOpenedData(ctx, ballot, encrypted, opened, subject, findings) {
  const { group } = ctx;
  const data = encrypted.contestData;
  const where = `${subject}, contest ${encrypted.index}`;
  if (data === null) {
    if (opened.dataNonce !== null || opened.data !== null) findings.fail("13.A", where, "the opening holds contest data the ballot does not have");
    return;
  }
  if (opened.dataNonce === null || opened.data === null) {
    findings.fail("13.A", where, "the opening does not give the contest data and its nonce");
    return;
  }
  if (opened.data.length !== data.masked.length) {
    findings.fail("13.A", where, `the published contest data D is not ${data.masked.length} bytes long, as C_1 is`);
    return;
  }
  if (group.gPow(opened.dataNonce) !== data.pad) {
    findings.fail("13.A", where, "the contest data nonce ξ does not reproduce C_0 = g^ξ");
    return;
  }
  const beta = group.pow(ctx.dataKey, opened.dataNonce);
  const keys = H.contestDataKeys(group, fromHex(ballot.idHash), encrypted.index, data.pad, beta, opened.data.length / 32);
  if (!equalBytes(opened.data.map((x, i) => x ^ keys[i]), data.masked)) {
    findings.fail("13.A", where, "the published contest data D does not re-encrypt to C_1");
  }
}

function checkCode(ctx, ballot, link, subject, findings) {
  const { group } = ctx;
  const hI = fromHex(ballot.idHash);
  findings.count("8");
  const hashes = [];
  for (const contest of ballot.contests) {
    const chi = H.contestHash(group, hI, contest.index, contest.selections.map((s) => [s.pad, s.data]), contest.contestData);
    if (toHex(chi) !== contest.contestHash) findings.fail("8.A", subject, `the contest hash of contest ${contest.index} is wrong`);
    hashes.push(chi);
  }
  const chaining = fromHex(ballot.chaining);
  if (toHex(H.confirmationCode(hI, hashes, chaining)) !== ballot.code) {
    findings.fail("8.B", subject, "the confirmation code is not H(H_I; 0x29, χ_1, ..., B_C)");
  }
  const hDI = toHex(H.deviceHash(ctx.extendedHash, ballot.device));
  const mode = ballot.chaining.slice(0, 8);
  if (link && link.device !== ballot.device) {
    findings.fail("8.C", subject, `the ballot names device ${ballot.device} but is listed by device ${link.device}`);
  }
  if (mode === NO_CHAINING) {
    if (link && link.mode !== "none") findings.fail("8.D", subject, `device ${link.device} uses ${link.mode} chaining, the ballot none`);
    if (ballot.chaining !== NO_CHAINING + hDI) findings.fail("8.D", subject, "the chaining field is not 0x00000000 ‖ H_DI");
  } else if (mode === SIMPLE_CHAINING) {
    if (!link) return;
    if (link.mode !== "simple") {
      findings.fail("8.E", subject, `device ${link.device} uses ${link.mode} chaining, the ballot simple`);
      return;
    }
    const previous = link.previous ?? toHex(H.chainInitialHash(ctx.extendedHash, fromHex(hDI)));
    if (ballot.chaining !== SIMPLE_CHAINING + previous) {
      const where = link.previous === null ? "the device's initial hash H_0" : "the previous ballot's confirmation code";
      findings.fail("8.E", subject, `the chaining field does not hold ${where}: the chain is broken`);
    }
  } else {
    findings.fail("8.D", subject, `unknown chaining mode 0x${mode.toLowerCase()}`);
  }
}

function checkChallenged(ctx, ballot, opened, subject, findings) {
  const { group, manifest } = ctx;
  const key = group.fixed(ctx.voteKey);
  const hI = fromHex(ballot.idHash);
  findings.count("13");
  findings.count("14");
  const style = manifest.ballot_styles[ballot.style - 1];
  const styleContests = new Set(style.contests);
  const openedByIndex = new Map();
  for (const contest of opened.contests) {
    if (!styleContests.has(contest.index) || contest.index < 1 || contest.index > manifest.contests.length) {
      findings.fail("14.A", subject, `contest ${contest.label} is not on ballot style ${style.label}`);
      continue;
    }
    const info = manifest.contests[contest.index - 1];
    if (contest.label !== info.label) {
      findings.fail("14.A", subject, `contest ${contest.index} is labelled ${contest.label}, the manifest says ${info.label}`);
    }
    openedByIndex.set(contest.index, contest);
  }
  for (const index of [...styleContests].sort((a, b) => a - b)) {
    if (!openedByIndex.has(index)) {
      findings.fail("14.B", subject, `contest ${manifest.contests[index - 1].label} of the ballot style is not in the opening`);
    }
  }
  const hashes = [];
  let recomputable = true;
  for (const encrypted of ballot.contests) {
    const info = manifest.contests[encrypted.index - 1];
    const openedContest = openedByIndex.get(encrypted.index);
    if (!openedContest) {
      recomputable = false;
      continue;
    }
    const byOption = new Map();
    for (const selection of openedContest.selections) {
      const option = info.options[selection.option - 1];
      if (!option || option.label !== selection.label) {
        findings.fail("14.C", subject, `option ${selection.label} is not an option of contest ${info.label}`);
        continue;
      }
      if (selection.value > optionLimit(info, option)) {
        findings.fail("14.E", subject, `contest ${info.label}, option ${option.label}: value ${selection.value} exceeds its limit`);
      }
      byOption.set(selection.option, selection);
    }
    const missing = info.options.filter((_, j) => !byOption.has(j + 1)).map((o) => o.label);
    if (missing.length) {
      findings.fail("14.D", subject, `contest ${info.label}: options ${missing} are not in the opening`);
      recomputable = false;
      continue;
    }
    const total = [...byOption.values()].reduce((t, s) => t + s.value, 0);
    if (total > contestLimit(info)) {
      findings.fail("14.F", subject, `contest ${info.label}: ${total} selections exceed the limit ${contestLimit(info)}`);
    }
    const pairs = info.options.map((_, j) => {
      const s = byOption.get(j + 1);
      return [group.gPow(s.nonce), key.pow(BigInt(s.value) + s.nonce)];
    });
    hashes.push(H.contestHash(group, hI, encrypted.index, pairs, encrypted.contestData));
    checkOpenedData(ctx, ballot, encrypted, openedContest, subject, findings);
  }
  if (recomputable) {
    if (toHex(H.confirmationCode(hI, hashes, fromHex(ballot.chaining))) !== ballot.code) {
      findings.fail("13.B", subject, "re-encrypting the opened selections with their nonces does not give the ballot's confirmation code");
    }
  } else {
    findings.fail("13.B", subject, "the opening is incomplete, so the confirmation code cannot be recomputed");
  }
}

async function signer(ctx, ballot, state) {
  if (ctx.plain.signatures === false) return { code: ballot.code, state, style: "", device: ballot.device, credential: "",
    credentialSignature: "", deviceSignature: "", chained: false }; // check E is then not run
  const message = new Uint8Array([...BALLOT_SIGNATURE_CONTEXT, 0, ...ctx.extendedHash, ...fromHex(ballot.code)]);
  let credential = "";
  if (ballot.credential || ballot.credentialSignature) {
    credential = ballot.credential && ballot.credentialSignature &&
      (await ed25519Verify(fromHex(ballot.credential), fromHex(ballot.credentialSignature), message)) ? "valid" : "invalid";
  }
  let device = "";
  if (ballot.deviceSignature) {
    const key = ctx.deviceKeys[ballot.device];
    if (key === undefined) device = "unregistered";
    else device = (await ed25519Verify(fromHex(key), fromHex(ballot.deviceSignature), message)) ? "valid" : "invalid";
  }
  const style = ctx.manifest.ballot_styles[ballot.style - 1]?.label ?? "";
  return { code: ballot.code, state, style, device: ballot.device, credential: ballot.credential, credentialSignature: credential,
    deviceSignature: device, chained: ballot.chaining.startsWith(SIMPLE_CHAINING) };
}

/**
 * Check the ballots of one chunk. ``entries``: {name, bytes, digest (from record.json or null),
 * link ({device, mode, previous} or null), opening ({name, bytes, digest} or null)}.
 */
export async function checkChunk(ctx, entries) {
  const { group } = ctx;
  const findings = new Findings();
  const result = { findings, products: {}, cast: 0, counted: 0, challenged: 0, selectionIds: [], codes: [], states: {},
    contestLabels: [], signers: [] };
  for (const entry of entries) {
    findings.count("0");
    if (entry.digest === null) findings.fail("0.B", entry.name, "the file is not listed in record.json");
    else if (toHex(sha256(entry.bytes)) !== entry.digest) findings.fail("0.A", entry.name, "the file's SHA-256 differs from the one in record.json");
    let ballot;
    try {
      ballot = decodeBallot(group, entry.bytes, entry.name);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      findings.fail("0.F", entry.name, `cannot be read: ${error.message}`);
      continue;
    }
    const code = ballot.code;
    const subject = `ballot ${code.slice(0, 16)}…`;
    if (entry.name !== `ballots/${code}.json`) findings.fail("0.N", entry.name, `the file name does not match its confirmation code ${code}`);
    if (ballot.state !== "cast" && ballot.state !== "challenged") {
      findings.fail("0.F", subject, "the ballot is neither cast nor challenged");
      continue;
    }
    result.codes.push(code);
    result.states[code] = ballot.state;
    result.selectionIds.push(ballot.selectionId);
    for (const contest of ballot.contests) result.contestLabels.push(contest.label);
    findings.count("5");
    if (toHex(H.identifierHash(ctx.extendedHash, fromHex(ballot.selectionId))) !== ballot.idHash) {
      findings.fail("5.B", subject, "the identifier hash H_I is not H(H_E; 0x20, id_B)");
    }
    checkNonceProof(ctx, ballot, subject, findings);
    if (!checkStructure(ctx, ballot, subject, findings)) continue;
    checkContestData(ctx, ballot, subject, findings);
    checkCode(ctx, ballot, entry.link, subject, findings);
    checkSelections(ctx, ballot, subject, findings);
    result.signers.push(await signer(ctx, ballot, ballot.state));
    if (ballot.state === "cast") {
      result.cast += 1;
      if (!ctx.superseded.has(code)) {
        result.counted += 1;
        for (const contest of ballot.contests) {
          const row = result.products[contest.index] ?? contest.selections.map(() => [1n, 1n]);
          result.products[contest.index] = row.map(([a, b], j) => [
            group.mul(a, contest.selections[j].pad), group.mul(b, contest.selections[j].data)]);
        }
      }
    } else {
      result.challenged += 1;
      const opening = entry.opening;
      if (!opening) {
        findings.fail("13.B", subject, "no opening of this challenged ballot is in the record");
        continue;
      }
      if (opening.digest !== null && toHex(sha256(opening.bytes)) !== opening.digest) {
        findings.fail("0.A", opening.name, "the file's SHA-256 differs from the one in record.json");
      }
      let opened;
      try {
        opened = decodeOpening(group, opening.bytes, opening.name);
      } catch (error) {
        if (!(error instanceof FormatError)) throw error;
        findings.fail("0.F", opening.name, `cannot be read: ${error.message}`);
        continue;
      }
      if (opened.code !== ballot.code) {
        findings.fail("13.B", subject, "the opening names another confirmation code");
        continue;
      }
      checkChallenged(ctx, ballot, opened, subject, findings);
    }
  }
  // plain values only, for postMessage
  for (const [index, row] of Object.entries(result.products)) {
    result.products[index] = row.map(([a, b]) => [a.toString(16), b.toString(16)]);
  }
  result.findings = { failures: findings.failures, items: findings.items, warnings: findings.warnings };
  return result;
}
