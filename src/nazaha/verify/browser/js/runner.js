// The browser verifier's runner: every check of an ElectionGuard 2.1 record in Nazaha's layout,
// in the order and with the labels of `nazaha verify` (nazaha.verify.runner), written again
// from the specification and the record format so that it shares no code with the booth.
// It keeps going after a failure; ballots go to an executor (Web Workers on the page) in chunks.

import { bigFromHex, Group } from "./arith.js";
import { BallotContext, checkChunk, decodeBallot, Findings, FormatError, parseCanonical } from "./ballots.js";
import { CHECKS, PRE_ENCRYPTED, STANDARD } from "./catalog.js";
import { ed25519Supported, ed25519Verify } from "./ed25519.js";
import * as H from "./hashes.js";
import { fromHex, sha256, toHex } from "./sha256.js";

export { FormatError };

const INDEX = "record.json";
const SIGNATURE = "record.sig";
const SIGNATURE_CONTEXT = new TextEncoder().encode("nazaha record.sig/1\0");
const AUDIT_DIR = "audit";
const HINTS_DIR = "hints";
const ELIGIBILITY_FILES = ["eligibility.json", "credentials.json", "devices.json"];
const UTF8 = new TextEncoder();
export const CHUNK = 8;

function read(files, name) {
  const bytes = files.get(name);
  if (bytes === undefined) throw new FormatError(`${name}: missing: the record is incomplete or not a Nazaha record`);
  return bytes;
}

function hexP(group, value, where) {
  if (typeof value !== "string" || value.length !== 2 * group.pBytes || !/^[0-9A-F]+$/.test(value)) {
    throw new FormatError(`${where}: expected ${2 * group.pBytes} uppercase hexadecimal digits`);
  }
  const x = bigFromHex(value);
  if (x >= group.p) throw new FormatError(`${where}: not below p`);
  return x;
}

function hexQ(group, value, where) {
  if (typeof value !== "string" || value.length !== 2 * group.qBytes || !/^[0-9A-F]+$/.test(value)) {
    throw new FormatError(`${where}: expected ${2 * group.qBytes} uppercase hexadecimal digits`);
  }
  return bigFromHex(value);
}

function hex32(value, where) {
  if (typeof value !== "string" || !/^[0-9A-F]{64}$/.test(value)) throw new FormatError(`${where}: expected a 32-byte hash`);
  return value;
}

/** The files every check needs, decoded (nazaha.verify.record21); FormatError if unreadable. */
function loadRecord(files) {
  if (!files.has(INDEX)) throw new FormatError(`${INDEX}: missing: the record is incomplete or not a Nazaha record`);
  const parameters = parseCanonical(read(files, "parameters.json"), "parameters.json");
  const spec = parameters.group ?? {};
  const group = new Group(bigFromHex(spec.p), bigFromHex(spec.q), bigFromHex(spec.g));
  const manifestBytes = read(files, "manifest.json");
  const manifest = parseCanonical(manifestBytes, "manifest.json");
  if (!Array.isArray(manifest.contests) || !Array.isArray(manifest.ballot_styles)) {
    throw new FormatError("manifest.json: contests and ballot_styles are required");
  }
  const guardians = [];
  for (let index = 1; index <= parameters.guardians; index++) {
    const name = `guardians/guardian_${index}.json`;
    const doc = parseCanonical(read(files, name), name);
    const proof = (p, what) => ({
      challenge: hexQ(group, p.challenge, `${name}: ${what}.challenge`),
      responses: p.responses.map((v, j) => hexQ(group, v, `${name}: ${what}.responses[${j}]`)),
    });
    guardians.push({
      index: doc.index,
      vote: doc.vote_commitments.map((x, j) => hexP(group, x, `${name}: vote_commitments[${j}]`)),
      voteProof: proof(doc.vote_proof, "vote_proof"),
      data: doc.data_commitments.map((x, j) => hexP(group, x, `${name}: data_commitments[${j}]`)),
      dataProof: proof(doc.data_proof, "data_proof"),
      kappa: hexP(group, doc.communication_key, `${name}: communication_key`),
      signingKey: doc.signing_key ?? "",
    });
  }
  const hashesDoc = parseCanonical(read(files, "hashes.json"), "hashes.json");
  const hashes = {
    parameter: hex32(hashesDoc.parameter_hash, "hashes.json: parameter_hash"),
    base: hex32(hashesDoc.base_hash, "hashes.json: base_hash"),
    extended: hex32(hashesDoc.extended_hash, "hashes.json: extended_hash"),
    voteKey: hexP(group, hashesDoc.vote_key, "hashes.json: vote_key"),
    dataKey: hexP(group, hashesDoc.data_key, "hashes.json: data_key"),
  };
  const encryptedDoc = parseCanonical(read(files, "encrypted_tally.json"), "encrypted_tally.json");
  const encryptedTally = {
    cast: encryptedDoc.cast_ballots,
    contests: encryptedDoc.contests.map((c) => ({
      index: c.contest,
      label: c.label,
      options: c.options.map((o) => ({
        option: o.option,
        label: o.label,
        pad: hexP(group, o.pad, "encrypted_tally.json: pad"),
        data: hexP(group, o.data, "encrypted_tally.json: data"),
      })),
    })),
  };
  const tallyDoc = parseCanonical(read(files, "tally.json"), "tally.json");
  const tally = {
    cast: tallyDoc.cast_ballots,
    present: tallyDoc.guardians_present,
    contests: tallyDoc.contests.map((c) => ({
      index: c.contest,
      label: c.label,
      options: c.options.map((o) => ({
        option: o.option,
        label: o.label,
        value: o.value,
        valuePower: hexP(group, o.value_power, "tally.json: value_power"),
        challenge: hexQ(group, o.challenge, "tally.json: challenge"),
        response: hexQ(group, o.response, "tally.json: response"),
      })),
    })),
  };
  return { parameters, specVersion: parameters.spec_version, group, manifest, manifestBytes, guardians, hashes, encryptedTally, tally };
}

// -- Verifications 1 to 4 ------------------------------------------------------------------------

function checkElection(record, expected, findings) {
  const { group } = record;
  findings.count("1");
  if (record.specVersion !== "2.1.0") findings.fail("1.A", "parameters.json", `spec version is '${record.specVersion}', not 2.1.0`);
  for (const [label, name] of [["1.B", "p"], ["1.C", "q"], ["1.D", "g"]]) {
    if (group[name] !== expected[name]) findings.fail(label, "parameters.json", `${name} is not the standard ${name} of §3.1.1`);
  }
  const n = record.parameters.guardians;
  const k = record.parameters.quorum;
  if (toHex(H.parameterHash(group, n, k)) !== record.hashes.parameter) {
    findings.fail("1.E", "hashes.json", "the parameter base hash H_P is not H(ver; 0x00, p, q, g, n, k)");
  }
  const hP = fromHex(record.hashes.parameter);
  if (toHex(H.baseHash(hP, record.manifestBytes)) !== record.hashes.base) {
    findings.fail("1.F", "hashes.json", "the base hash H_B is not H(H_P; 0x01, manifest)");
  }
  for (const guardian of record.guardians) {
    findings.count("2");
    const subject = `guardian ${guardian.index}`;
    let shapesOk = true;
    for (const [tag, commitments] of [["vote", guardian.vote], ["data", guardian.data]]) {
      if (commitments.length !== k) {
        findings.fail("2.A", subject, `${commitments.length} ${tag} commitments, expected k = ${k}`);
        shapesOk = false;
      }
      commitments.forEach((value, j) => {
        if (!group.isElement(value)) findings.fail("2.A", subject, `${tag} commitment K_${guardian.index},${j} is not in Z_p^r`);
      });
    }
    if (!group.isElement(guardian.kappa)) findings.fail("2.A", subject, "the communication key κ_i is not in Z_p^r");
    for (const [tag, label, commitments, proof] of [
      ["pk_vote", "c_i", guardian.vote, guardian.voteProof],
      ["pk_data", "c-hat_i", guardian.data, guardian.dataProof],
    ]) {
      if (proof.responses.length !== k + 1) {
        findings.fail("2.B", subject, `the '${tag}' proof has ${proof.responses.length} responses, expected ${k + 1}`);
        continue;
      }
      if (!proof.responses.every((v) => group.inQ(v))) {
        findings.fail("2.B", subject, `a response of the '${tag}' proof is not in Z_q`);
        continue;
      }
      if (!shapesOk) continue;
      const bases = [...commitments, guardian.kappa];
      const recomputed = bases.map((base, j) => group.mul(group.gPow(proof.responses[j]), group.pow(base, proof.challenge)));
      const expectedChallenge = H.coefficientChallenge(group, hP, tag, guardian.index, commitments, guardian.kappa, recomputed);
      if (expectedChallenge !== proof.challenge) findings.fail("2.C", subject, `the challenge ${label} of the '${tag}' proof is wrong`);
    }
  }
  findings.count("3");
  findings.count("4");
  const vote = record.guardians.reduce((t, g) => (g.vote.length ? group.mul(t, g.vote[0]) : t), 1n);
  const data = record.guardians.reduce((t, g) => (g.data.length ? group.mul(t, g.data[0]) : t), 1n);
  if (!group.isElement(record.hashes.voteKey)) findings.fail("3.A", "hashes.json", "K is not in Z_p^r");
  if (!group.isElement(record.hashes.dataKey)) findings.fail("3.B", "hashes.json", "K-hat is not in Z_p^r");
  if (vote !== record.hashes.voteKey) findings.fail("3.A", "hashes.json", "K is not the product of the guardians' keys K_i");
  if (data !== record.hashes.dataKey) findings.fail("3.B", "hashes.json", "K-hat is not the product of the guardians' keys K-hat_i");
  const hE = H.extendedHash(group, fromHex(record.hashes.base), record.hashes.voteKey, record.hashes.dataKey);
  if (toHex(hE) !== record.hashes.extended) findings.fail("4.A", "hashes.json", "the extended base hash H_E is not H(H_B; 0x14, K, K-hat)");
}

// -- eligibility files -----------------------------------------------------------------------------

function loadEligibility(files, record, findings) {
  const present = Object.fromEntries(ELIGIBILITY_FILES.filter((n) => files.has(n)).map((n) => [n, files.get(n)]));
  let superseded = [];
  if (files.has("superseded.json")) {
    try {
      superseded = JSON.parse(new TextDecoder().decode(files.get("superseded.json")));
      if (!Array.isArray(superseded)) throw new Error("not a list");
    } catch (error) {
      findings.fail("E.E", "superseded.json", `cannot be read: ${error.message}`);
      superseded = [];
    }
  }
  const open = { mode: "open", policy: "one-ballot", credentials: null, devices: [], administratorKey: "" };
  if (!present["eligibility.json"]) {
    if (present["credentials.json"] || present["devices.json"]) {
      findings.fail("E.A", "eligibility.json", "the record has credential or device lists but no eligibility.json");
    }
    return { rules: open, files: present, superseded };
  }
  try {
    const doc = parseCanonical(present["eligibility.json"], "eligibility.json");
    const credentials = present["credentials.json"] ? parseCanonical(present["credentials.json"], "credentials.json") : null;
    const devices = present["devices.json"] ? parseCanonical(present["devices.json"], "devices.json").devices : [];
    if (!["open", "credentials", "devices", "both"].includes(doc.mode)) throw new FormatError(`eligibility.json: unknown mode ${doc.mode}`);
    if (!["one-ballot", "revote"].includes(doc.policy)) throw new FormatError(`eligibility.json: unknown policy ${doc.policy}`);
    const needsCredential = doc.mode === "credentials" || doc.mode === "both";
    const needsDevice = doc.mode === "devices" || doc.mode === "both";
    if (needsCredential && !credentials) throw new FormatError("eligibility.json: the mode needs credentials.json");
    if (needsDevice && !devices.length) throw new FormatError("eligibility.json: the mode needs devices.json");
    const rules = { mode: doc.mode, policy: doc.policy, credentials, devices, administratorKey: doc.administrator_key ?? "" };
    if (credentials && credentials.election_id !== record.manifest.election_id) {
      findings.fail("E.A", "credentials.json",
        `issued for election '${credentials.election_id}', not this manifest's '${record.manifest.election_id}'`);
    }
    return { rules, files: present, superseded };
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    findings.fail("E.A", "eligibility.json", `the eligibility files cannot be read: ${error.message}`);
    return { rules: open, files: present, superseded };
  }
}

function eligibilityCommitment(files) {
  const parts = [UTF8.encode("nazaha-eligibility/1")];
  for (const name of ELIGIBILITY_FILES) {
    const data = files[name];
    if (data === undefined) continue;
    const length = new Uint8Array(8);
    new DataView(length.buffer).setBigUint64(0, BigInt(data.length));
    parts.push(UTF8.encode(name), new Uint8Array([0]), length, data);
  }
  return toHex(sha256(H.concat(parts)));
}

// -- the runner ------------------------------------------------------------------------------------

function folderOf(name) {
  const slash = name.lastIndexOf("/");
  return slash < 0 ? "" : name.slice(0, slash);
}

function jsonIn(files, folder) {
  return [...files.keys()].filter((n) => folderOf(n) === folder && n.endsWith(".json")).sort();
}

/** A context of plain values for the workers (see BallotContext). */
export function ballotContext(record, rules, superseded) {
  return {
    p: record.group.p.toString(16),
    q: record.group.q.toString(16),
    g: record.group.g.toString(16),
    voteKey: record.hashes.voteKey.toString(16),
    dataKey: record.hashes.dataKey.toString(16),
    extendedHash: record.hashes.extended,
    manifest: { contests: record.manifest.contests, ballot_styles: record.manifest.ballot_styles },
    deviceKeys: Object.fromEntries(rules.devices.map((d) => [d.device, d.key])),
    superseded,
  };
}

/** Check chunks in this thread (Node, tests); the page passes a pool of Web Workers instead. */
export function localExecutor() {
  let cached = null;
  return async (plain, entries) => {
    if (cached === null || cached.plain !== plain) cached = new BallotContext(plain);
    return checkChunk(cached, entries);
  };
}

/**
 * Verify the record in ``files`` (a Map from names relative to the record's folder to bytes).
 * Resolves to a report like `nazaha verify --json`'s; rejects with FormatError when unreadable.
 */
export async function verifyRecord(files, { executor = localExecutor(), onProgress = () => {}, expected = STANDARD, chunkSize = 0, parallelism = 1 } = {}) {
  const record = loadRecord(files);
  // Checks E, S and G need Ed25519; where the platform lacks it they are "not checked", never passed.
  const signatures = await ed25519Supported();
  const expectedGroup = { p: bigFromHex(expected.p), q: bigFromHex(expected.q), g: bigFromHex(expected.g) };
  const { group } = record;
  const findings = new Findings();
  onProgress({ phase: "election", done: 0, total: 1 });
  checkElection(record, expectedGroup, findings);
  const declared = loadEligibility(files, record, findings);
  const hE = fromHex(record.hashes.extended);

  // Check 0: the index and the files (ballots and openings are checked with their chunk).
  const index = parseCanonical(read(files, INDEX), INDEX);
  const listed = new Map(Object.entries(index.files ?? {}));
  // audit/ is the paper audit, appended after the record was sealed (check A), and hints/ the
  // optional proof-hint annex (nazaha.record.hints; this verifier takes the spec-only path): neither
  // is listed in record.json.
  const present = [...files.keys()].filter((n) => !n.split("/").pop().startsWith(".") && n !== INDEX && n !== SIGNATURE &&
    !n.startsWith(`${AUDIT_DIR}/`) && !n.startsWith(`${HINTS_DIR}/`)).sort();
  const presentSet = new Set(present);
  for (const name of present) if (!listed.has(name)) findings.fail("0.B", name, "the file is not listed in record.json");
  for (const name of [...listed.keys()].sort()) if (!presentSet.has(name)) findings.fail("0.A", name, "listed in record.json but missing from the record");
  for (const [name, digest] of [...listed.entries()].sort()) {
    if (!presentSet.has(name) || name.startsWith("ballots/") || name.startsWith("challenged/")) continue;
    findings.count("0");
    if (toHex(sha256(files.get(name))) !== digest) findings.fail("0.A", name, "the file's SHA-256 differs from the one in record.json");
  }

  // Device logs: 8.F/8.G, and where each listed code sits.
  const links = new Map();
  for (const name of jsonIn(files, "devices")) {
    let log;
    try {
      log = parseCanonical(files.get(name), name);
    } catch (error) {
      throw new FormatError(error.message);
    }
    let previous = null;
    for (const code of log.ballots) {
      if (links.has(code)) findings.fail("0.D", `device '${log.device}'`, `ballot ${code.slice(0, 16)}… is listed twice in the device lists`);
      else links.set(code, { device: log.device, mode: log.chaining, previous });
      previous = code;
    }
    const subject = `device '${log.device}'`;
    if (log.chaining === "simple") {
      findings.count("8");
      const hDI = H.deviceHash(hE, log.device);
      const last = previous !== null ? fromHex(previous) : H.chainInitialHash(hE, hDI);
      if (log.closing_hash !== toHex(H.chainClosingHash(hE, last, hDI))) {
        findings.fail("8.G", subject, "the chain's closing hash is wrong: ballots were added, removed or reordered at its end");
      }
    } else if (log.closing_hash) {
      findings.fail("8.G", subject, "a device without chaining must not publish a closing hash");
    }
  }

  // Ballots, chunk by chunk.
  const plain = ballotContext(record, declared.rules, declared.superseded);
  plain.signatures = signatures;
  const ballotNames = jsonIn(files, "ballots");
  // Enough chunks to keep every worker busy and the progress moving, at most CHUNK ballots each.
  const size = chunkSize || Math.max(1, Math.min(CHUNK, Math.ceil(ballotNames.length / (4 * parallelism))));
  const chunks = [];
  for (let i = 0; i < ballotNames.length; i += size) {
    chunks.push(ballotNames.slice(i, i + size).map((name) => {
      const code = name.slice("ballots/".length, -".json".length);
      const openingName = `challenged/${code}.json`;
      return {
        name,
        bytes: files.get(name),
        digest: listed.get(name) ?? null,
        link: links.get(code) ?? null,
        opening: files.has(openingName) ? { name: openingName, bytes: files.get(openingName), digest: listed.get(openingName) ?? null } : null,
      };
    }));
  }
  let done = 0;
  onProgress({ phase: "ballots", done, total: ballotNames.length });
  const results = await Promise.all(chunks.map(async (chunk) => {
    const result = await executor(plain, chunk);
    done += chunk.length;
    onProgress({ phase: "ballots", done, total: ballotNames.length });
    return result;
  }));
  const products = {};
  const ballots = new Map();
  const selectionIds = new Set();
  const signers = new Map();
  const contestLabels = new Set();
  let cast = 0, counted = 0, challenged = 0;
  for (const result of results) {
    findings.merge(Object.assign(new Findings(), result.findings));
    cast += result.cast;
    counted += result.counted;
    challenged += result.challenged;
    for (const s of result.signers) signers.set(s.code, s);
    for (const label of result.contestLabels) contestLabels.add(label);
    for (const id of result.selectionIds) {
      if (selectionIds.has(id)) findings.fail("5.A", `identifier ${id.slice(0, 16)}…`, "two ballots share this selection encryption identifier");
      selectionIds.add(id);
    }
    for (const code of result.codes) {
      if (ballots.has(code)) findings.fail("0.D", `ballot ${code.slice(0, 16)}…`, "two ballot files hold the same confirmation code");
      else ballots.set(code, result.states[code]);
    }
    for (const [contest, row] of Object.entries(result.products)) {
      const current = products[contest] ?? row.map(() => [1n, 1n]);
      products[contest] = current.map(([a, b], j) => [group.mul(a, BigInt("0x" + row[j][0])), group.mul(b, BigInt("0x" + row[j][1]))]);
    }
  }
  for (const [code, link] of [...links.entries()].sort()) {
    if (!ballots.has(code)) findings.fail("0.D", `ballot ${code.slice(0, 16)}…`, `device '${link.device}' lists it, but the record has no such ballot`);
  }
  for (const code of [...ballots.keys()].sort()) if (!links.has(code)) findings.fail("0.D", `ballot ${code.slice(0, 16)}…`, "no device lists this ballot");
  for (const name of jsonIn(files, "challenged")) {
    const code = name.slice("challenged/".length, -".json".length);
    if (ballots.get(code) !== "challenged") findings.fail("0.D", name, "an opening for a ballot that was not challenged");
  }
  const contestDataNotApplicable = checkContestDataDecryptions(files, record, ballots, findings);
  const counts = [index.ballots, index.cast, index.challenged];
  if (counts[0] !== cast + challenged || counts[1] !== cast || counts[2] !== challenged) {
    findings.fail("0.C", INDEX, `record.json counts ${counts[0]} ballots (${counts[1]} cast, ${counts[2]} challenged); ` +
      `the record holds ${cast + challenged} (${cast}, ${challenged})`);
  }
  onProgress({ phase: "board", done: 0, total: 1 });
  const board = checkBoard(files, record, index.board_head, ballots, findings);
  let eligibilityNote = "";
  let signatureNote = "";
  if (signatures) {
    eligibilityNote = await checkEligibility(files, declared, board, ballots, signers, findings);
    if (declared.rules.administratorKey) signatureNote = await checkRecordSignature(files, declared.rules.administratorKey, findings);
  }
  checkAggregation(record, products, counted, findings);
  checkTally(record, contestLabels, findings);
  const signedRounds = files.has("decryption/round-1.json") || record.guardians.some((g) => g.signingKey);
  if (signedRounds && signatures) await checkDecryption(files, record, findings);
  const unopened = [...files.keys()].some((n) => n.startsWith("unopened/"));
  const audited = files.has(`${AUDIT_DIR}/log.json`); // as nazaha.verify.checks.paper_audit.paper_audit_applies
  return report(findings, { challenged, eligibilityNote, signatureNote, signedRounds, unopened, signatures, contestDataNotApplicable,
    audited });
}

// -- Verification 12 ---------------------------------------------------------------------------------

const CONTEST_DATA_NOT_DECRYPTED =
  "the record publishes no guardians' decryption of the challenged ballots' contest data (it was decrypted " +
  "before Nazaha decrypted contest data; the data of opened ballots is checked with their nonces, Verification 13.A)";

function decodeContestDataDecryption(group, bytes, where) {
  const doc = parseCanonical(bytes, where);
  const known = (value, fields) => Object.keys(value).every((k) => fields.includes(k)) && fields.every((k) => k in value);
  if (!known(doc, ["format", "confirmation_code", "contests"]) || !Array.isArray(doc.contests)) {
    throw new FormatError(`${where}: expected format, confirmation_code and contests`);
  }
  if (doc.format !== "nazaha-record/1") throw new FormatError(`${where}: format must be nazaha-record/1`);
  return {
    code: hex32(doc.confirmation_code, `${where}: confirmation_code`),
    contests: doc.contests.map((c, i) => {
      const at = `${where}: contests[${i}]`;
      if (!known(c, ["contest", "beta", "challenge", "response", "data"]) || !Number.isInteger(c.contest)) {
        throw new FormatError(`${at}: expected contest, beta, challenge, response and data`);
      }
      if (typeof c.data !== "string" || !c.data || c.data.length % 64 || !/^[0-9A-F]*$/.test(c.data)) {
        throw new FormatError(`${at}.data: contest data is a non-empty whole number of 32-byte blocks`);
      }
      return { index: c.contest, beta: hexP(group, c.beta, `${at}.beta`), challenge: hexQ(group, c.challenge, `${at}.challenge`),
        response: hexQ(group, c.response, `${at}.response`), data: fromHex(c.data) };
    }),
  };
}

/**
 * Verification 12 (ElectionGuard 2.1 §3.6.6, §6.2.6) over every contest_data/ file, as
 * nazaha.verify.checks.contest_data: with a = g^v · K-hat^c (12.1) and b = C_0^v · β^c (12.2),
 * (12.A) v, c in Z_q and β in Z_p^r, (12.B) c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β),
 * (12.C) D = C_1 ⊕ k_1 ‖ ... ‖ k_bΛ with h = H(H_I; 0x26, ind_c(Λ), C_0, β); 12.D the files agree
 * with the ballots. Returns why the check does not apply, or "".
 */
function checkContestDataDecryptions(files, record, ballots, findings) {
  const { group } = record;
  const codes = new Set();
  for (const folder of ["challenged", "unopened"]) {
    for (const name of jsonIn(files, folder)) {
      const code = name.slice(folder.length + 1, -".json".length);
      if (ballots.get(code) === "challenged") codes.add(code);
    }
  }
  const expected = new Map();
  for (const code of [...codes].sort()) {
    const name = `ballots/${code}.json`;
    let ballot;
    try {
      ballot = decodeBallot(group, files.get(name), name);
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      continue; // reported by the ballot checks (0.F)
    }
    if (ballot.contests.some((c) => c.contestData !== null)) expected.set(code, ballot);
  }
  const published = new Map(jsonIn(files, "contest_data").map((n) => [n.slice("contest_data/".length, -".json".length), n]));
  for (const [code, name] of [...published.entries()].sort()) {
    const ballot = expected.get(code);
    if (!ballot) {
      findings.fail("12.D", name, "a decryption of contest data for no challenged ballot that carries any");
      continue;
    }
    checkContestDataFile(files, record, ballot, name, findings);
  }
  if (!published.size) return expected.size ? CONTEST_DATA_NOT_DECRYPTED : "no challenged ballot carries contest data";
  for (const code of [...expected.keys()].sort()) {
    if (!published.has(code)) {
      findings.fail("12.D", `ballot ${code.slice(0, 16)}…`, "a challenged ballot with contest data whose decryption is not published");
    }
  }
  return "";
}

function checkContestDataFile(files, record, ballot, name, findings) {
  const { group } = record;
  const subject = `ballot ${ballot.code.slice(0, 16)}…`;
  let decrypted;
  try {
    decrypted = decodeContestDataDecryption(group, files.get(name), name);
  } catch (error) {
    if (!(error instanceof FormatError)) throw error;
    findings.fail("12.D", name, `cannot be read: ${error.message}`);
    return;
  }
  if (decrypted.code !== ballot.code) {
    findings.fail("12.D", name, "names another confirmation code");
    return;
  }
  const fields = new Map(ballot.contests.filter((c) => c.contestData !== null).map((c) => [c.index, c.contestData]));
  const given = decrypted.contests.map((c) => c.index);
  const sorted = (xs) => JSON.stringify([...xs].sort((a, b) => a - b));
  if (sorted(given) !== sorted(fields.keys()) || new Set(given).size !== given.length) {
    findings.fail("12.D", name, `decrypts contests ${JSON.stringify(given.slice(0, 20))}, but the ballot carries contest data in ${sorted(fields.keys())}`);
    return;
  }
  const hI = fromHex(ballot.idHash);
  for (const entry of decrypted.contests) {
    findings.count("12");
    const where = `${subject}, contest ${entry.index}`;
    const encrypted = fields.get(entry.index);
    const c = entry.challenge;
    const v = entry.response;
    if (!group.inQ(v)) {
      findings.fail("12.A", where, "the response v of the contest data decryption is not in Z_q");
      continue;
    }
    if (!group.inQ(c) || !group.isElement(entry.beta)) {
      findings.fail("12.A", where, "the challenge c is not in Z_q or β is not in Z_p^r");
      continue;
    }
    const a = group.mul(group.gPow(v), group.pow(record.hashes.dataKey, c)); // (12.1)
    const b = group.mul(group.pow(encrypted.pad, v), group.pow(entry.beta, c)); // (12.2)
    if (H.contestDataDecryptionChallenge(group, hI, entry.index, encrypted, a, b, entry.beta) !== c) {
      findings.fail("12.B", where, "the proof that β decrypts the contest data does not verify");
      continue;
    }
    const keys = H.contestDataKeys(group, hI, entry.index, encrypted.pad, entry.beta, encrypted.masked.length / 32);
    const plain = encrypted.masked.map((x, i) => x ^ keys[i]);
    if (plain.length !== entry.data.length || plain.some((x, i) => x !== entry.data[i])) {
      findings.fail("12.C", where, "the published contest data D is not what C_1 decrypts to with β");
    }
  }
}

// -- Check B -----------------------------------------------------------------------------------------

function entryHash(entry) {
  const body = JSON.stringify({ position: entry.position, kind: entry.kind, code: entry.code, previous: entry.previous, recorded_at: entry.recorded_at });
  return toHex(sha256(H.concat([UTF8.encode("nazaha-board-entry"), new Uint8Array([0]), UTF8.encode(body)])));
}

function checkBoard(files, record, indexHead, ballots, findings) {
  const doc = parseCanonical(read(files, "board.json"), "board.json");
  const genesis = record.hashes.extended;
  let previous = genesis;
  const summary = { opened: null, updates: [], received: new Map() };
  const decided = new Map();
  let closed = false;
  let rounds = 0;
  let position = 0;
  for (const entry of doc.entries) {
    position += 1;
    findings.count("B");
    const subject = `board entry ${entry.position}`;
    if (entry.kind === "open") {
      if (position !== 1 || summary.opened !== null) findings.fail("B.4", subject, "voting is opened anywhere but at the board's first entry");
      summary.opened = entry.code;
    } else if (entry.kind === "credential") {
      if (summary.opened === null || closed) findings.fail("B.4", subject, "a credential is replaced while voting is not open");
      summary.updates.push([entry.position, entry.code]);
    }
    if (entry.kind === "decrypt") {
      rounds += 1;
      if (!closed) findings.fail("B.4", subject, "a decryption round starts before voting is closed");
      const name = `decryption/round-${rounds}.json`;
      if (!files.has(name)) findings.fail("B.4", subject, `decryption round ${rounds} is on the board, but ${name} is not in the record`);
      else if (toHex(sha256(files.get(name))) !== entry.code) findings.fail("B.4", subject, `does not name the hash of ${name}: the round document was altered`);
    } else if (closed) {
      findings.fail("B.4", subject, "an entry other than a decryption round follows the closing of voting");
    }
    if (entry.position !== position) findings.fail("B.1", subject, `expected position ${position}: an entry is missing or moved`);
    if (entry.previous !== previous) findings.fail("B.1", subject, "does not link to the entry before it: the chain is broken");
    if (entryHash(entry) !== entry.hash) findings.fail("B.1", subject, "its hash does not match its content");
    previous = entry.hash;
    if (["decrypt", "open", "credential"].includes(entry.kind)) continue;
    if (entry.kind === "close") {
      if (closed) findings.fail("B.4", subject, "voting is closed twice");
      closed = true;
      continue;
    }
    if (entry.kind === "ballot") {
      if (summary.received.has(entry.code)) findings.fail("B.2", subject, `ballot ${entry.code.slice(0, 16)}… is received twice`);
      else summary.received.set(entry.code, entry.position);
      continue;
    }
    if (!summary.received.has(entry.code)) findings.fail("B.2", subject, `ballot ${entry.code.slice(0, 16)}… is decided before it is received`);
    if (decided.has(entry.code)) findings.fail("B.2", subject, `ballot ${entry.code.slice(0, 16)}… is decided twice`);
    decided.set(entry.code, entry.kind === "cast" ? "cast" : "challenged");
  }
  if (!closed) findings.fail("B.4", "board.json", "the board does not close voting");
  if (files.has(`decryption/round-${rounds + 1}.json`)) {
    findings.fail("B.4", `decryption/round-${rounds + 1}.json`, "a decryption round the board does not show");
  }
  const head = position ? previous : genesis;
  if (head !== doc.head || indexHead !== head) findings.fail("B.4", "board.json", "the published head hash is not the hash of the last entry");
  for (const [code, state] of [...ballots.entries()].sort()) {
    const subject = `ballot ${code.slice(0, 16)}…`;
    if (!summary.received.has(code)) findings.fail("B.3", subject, "is in the record but was never received on the board: a ballot slipped in");
    else if (decided.get(code) !== state) findings.fail("B.3", subject, `is ${state} in the record but ${decided.get(code) ?? "undecided"} on the board`);
  }
  for (const code of [...summary.received.keys()].sort()) {
    if (!ballots.has(code)) findings.fail("B.3", `ballot ${code.slice(0, 16)}…`, "was received on the board but is missing from the record");
  }
  return summary;
}

// -- Check E -----------------------------------------------------------------------------------------

async function checkEligibility(files, declared, board, ballots, signers, findings) {
  const rules = declared.rules;
  const needsCredential = rules.mode === "credentials" || rules.mode === "both";
  const needsDevice = rules.mode === "devices" || rules.mode === "both";
  findings.count("E");
  if (rules.mode === "open") {
    findings.warn("open-election", "the election", "declared no eligibility rules: anyone who could reach the ballot box could submit ballots");
  }
  if (board.opened === null) findings.fail("E.A", "board.json", "voting was never opened on the board, so nothing commits to who may vote");
  else if (board.opened !== eligibilityCommitment(declared.files)) {
    findings.fail("E.A", "board.json", "the eligibility files differ from those committed when voting opened (a list swapped)");
  }
  const keys = new Map(); // key -> {style, added, revoked}
  for (const key of rules.credentials?.keys ?? []) if (!keys.has(key.key)) keys.set(key.key, { style: key.style ?? "", added: 0, revoked: null });
  board.updates.forEach(([position, code], i) => {
    const name = `credentials/update-${i + 1}.json`;
    if (!files.has(name)) {
      findings.fail("E.B", name, `the board replaces a credential at entry ${position}, but the file is missing`);
      return;
    }
    const data = files.get(name);
    if (toHex(sha256(data)) !== code) {
      findings.fail("E.B", name, `is not the update that board entry ${position} names`);
      return;
    }
    let update;
    try {
      update = parseCanonical(data, name);
    } catch (error) {
      findings.fail("E.B", name, `cannot be read: ${error.message}`);
      return;
    }
    const listed = keys.get(update.revoke);
    if (listed === undefined || listed.revoked !== null) {
      findings.fail("E.B", name, "revokes a key that is not a current credential");
      return;
    }
    listed.revoked = position;
    if (listed.style !== (update.add.style ?? "")) findings.fail("E.B", name, "the new credential does not keep the ballot style of the one it replaces");
    if (keys.has(update.add.key)) findings.fail("E.B", name, "adds a key that is already on the list");
    else keys.set(update.add.key, { style: update.add.style ?? "", added: position, revoked: null });
  });
  if (files.has(`credentials/update-${board.updates.length + 1}.json`)) {
    findings.fail("E.B", `credentials/update-${board.updates.length + 1}.json`, "a credential update the board does not show");
  }
  const registered = new Set(rules.devices.map((d) => d.device));
  const ordered = [...signers.values()].sort((a, b) => {
    const pa = board.received.get(a.code) ?? -1, pb = board.received.get(b.code) ?? -1;
    return pa - pb || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
  });
  const byCredential = new Map();
  let counted = 0;
  for (const s of ordered) {
    const subject = `ballot ${s.code.slice(0, 16)}…`;
    const position = board.received.get(s.code) ?? 0;
    findings.count("E");
    if (!needsCredential) {
      if (s.credential || s.credentialSignature) findings.fail("E.C", subject, `carries a credential signature in an election (${rules.mode}) that takes none`);
    } else if (s.credentialSignature !== "valid") {
      findings.fail("E.C", subject, s.credentialSignature ? "its credential signature is not valid" : "carries no credential signature");
    } else {
      const listed = keys.get(s.credential);
      if (listed === undefined) findings.fail("E.D", subject, `is signed by key ${s.credential.slice(0, 16)}…, which is not on the credential list`);
      else {
        if (listed.added > position) findings.fail("E.D", subject, "is signed by a credential before the board added it");
        if (listed.revoked !== null && listed.revoked <= position) findings.fail("E.D", subject, "is signed by a credential revoked before the ballot was received");
        if (listed.style && listed.style !== s.style) findings.fail("E.D", subject, `is of style '${s.style}', but its credential votes style '${listed.style}'`);
      }
    }
    const needed = needsDevice || s.chained;
    if (needed || s.deviceSignature) {
      if (s.deviceSignature === "unregistered" || (!s.deviceSignature && !registered.has(s.device))) {
        const why = s.chained && !needsDevice ? "it continues a device chain" : "the election needs it";
        findings.fail("E.G", subject, `device '${s.device.slice(0, 60)}' is not registered, and ${why}`);
      } else if (!s.deviceSignature) findings.fail("E.G", subject, `carries no signature of its device '${s.device.slice(0, 60)}'`);
      else if (s.deviceSignature !== "valid") findings.fail("E.G", subject, `the signature of its device '${s.device.slice(0, 60)}' is not valid`);
    }
    if (s.credential) {
      if (!byCredential.has(s.credential)) byCredential.set(s.credential, []);
      byCredential.get(s.credential).push([s.code, s.state]);
    }
    if (s.state === "cast" && !declared.superseded.includes(s.code)) counted += 1;
  }
  const expected = new Set();
  for (const [credential, list] of byCredential) {
    if (rules.policy === "one-ballot" && list.length > 1) findings.fail("E.E", `credential ${credential.slice(0, 16)}…`, `has ${list.length} ballots under the one-ballot policy`);
    if (rules.policy === "revote") list.filter(([, state]) => state === "cast").slice(0, -1).forEach(([code]) => expected.add(code));
  }
  const superseded = new Set(declared.superseded);
  if (rules.policy === "revote" && rules.mode !== "open") {
    if (expected.size !== superseded.size || [...expected].some((c) => !superseded.has(c))) {
      findings.fail("E.E", "superseded.json", "must list the cast ballots a later ballot of their credential replaced");
    }
  } else if (superseded.size) {
    findings.fail("E.E", "superseded.json", "lists replaced ballots, but the election does not allow re-voting");
  }
  const current = [...keys.values()].filter((k) => k.revoked === null).length;
  if (needsCredential && counted > current) findings.fail("E.F", "the record", `${counted} ballots counted, but only ${current} credentials exist`);
  return `mode ${rules.mode}, policy ${rules.policy}`;
}

// -- Check S -----------------------------------------------------------------------------------------

async function checkRecordSignature(files, key, findings) {
  findings.count("S");
  const note = `administrator key ${key}`;
  if (!files.has(SIGNATURE)) {
    findings.fail("S.A", SIGNATURE, "the election declared an administrator key, but the record is not signed");
    return note;
  }
  const text = new TextDecoder().decode(files.get(SIGNATURE)).trim();
  let signature;
  try {
    signature = fromHex(text);
  } catch {
    findings.fail("S.B", SIGNATURE, "is not a hexadecimal signature");
    return note;
  }
  let keyBytes;
  try {
    keyBytes = fromHex(key);
  } catch {
    keyBytes = new Uint8Array(0);
  }
  // record.sig signs a context string and the SHA-256 of record.json (nazaha.record.layout).
  const digest = sha256(files.get(INDEX));
  const message = new Uint8Array(SIGNATURE_CONTEXT.length + digest.length);
  message.set(SIGNATURE_CONTEXT);
  message.set(digest, SIGNATURE_CONTEXT.length);
  if (!(await ed25519Verify(keyBytes, signature, message))) findings.fail("S.B", SIGNATURE, "is not the administrator's signature of record.json");
  return note;
}

// -- Verifications 9, 10, 11 -------------------------------------------------------------------------

function checkAggregation(record, products, counted, findings) {
  const tally = record.encryptedTally;
  const manifest = record.manifest;
  if (tally.cast !== counted) findings.fail("9.C", "encrypted_tally.json", `the tally says ${tally.cast} cast ballots, the record holds ${counted}`);
  const published = new Map(tally.contests.map((c) => [c.index, c]));
  manifest.contests.forEach((contest, i) => {
    const index = i + 1;
    const encrypted = published.get(index);
    if (!encrypted) {
      findings.fail("9.A", `contest '${contest.label}'`, "the encrypted tally has no entry for it");
      return;
    }
    const expected = products[index] ?? contest.options.map(() => [1n, 1n]);
    if (encrypted.options.length !== contest.options.length) {
      findings.fail("9.A", `contest '${contest.label}'`, "the encrypted tally has the wrong number of options");
      return;
    }
    contest.options.forEach((option, j) => {
      findings.count("9");
      const subject = `contest '${contest.label}', option '${option.label}'`;
      if (encrypted.options[j].pad !== expected[j][0]) findings.fail("9.A", subject, "A is not the product of the α of the cast ballots");
      if (encrypted.options[j].data !== expected[j][1]) findings.fail("9.B", subject, "B is not the product of the β of the cast ballots");
    });
  });
  for (const index of [...published.keys()].sort((a, b) => a - b)) {
    if (index < 1 || index > manifest.contests.length) findings.fail("9.A", `contest ${index}`, "the encrypted tally has a contest the manifest lacks");
  }
}

function checkTally(record, ballotContestLabels, findings) {
  const { group, manifest, tally } = record;
  const hE = fromHex(record.hashes.extended);
  const voteKey = record.hashes.voteKey;
  const key = group.fixed(voteKey);
  const encrypted = new Map();
  for (const contest of record.encryptedTally.contests) contest.options.forEach((o, j) => encrypted.set(`${contest.index}/${j + 1}`, o));
  const byLabel = new Map(manifest.contests.map((c, i) => [c.label, { info: c, index: i + 1 }]));
  if (tally.cast !== record.encryptedTally.cast) findings.fail("11.A", "tally.json", "the decrypted tally counts a different number of cast ballots");
  const present = tally.present;
  const n = record.parameters.guardians;
  if (new Set(present).size < record.parameters.quorum || present.some((j) => j < 1 || j > n)) {
    findings.fail("10.A", "tally.json", `guardians present ${JSON.stringify(present)} are not a quorum of distinct guardians`);
  }
  const seen = new Set();
  for (const contest of tally.contests) {
    findings.count("11");
    const found = byLabel.get(contest.label);
    if (!found || found.index !== contest.index) {
      findings.fail("11.A", `tally contest '${contest.label}'`, "not a contest of the manifest (with that index)");
      continue;
    }
    const info = found.info;
    seen.add(contest.label);
    const optionLabels = new Set(info.options.map((o) => o.label));
    for (const option of contest.options) {
      if (!optionLabels.has(option.label)) findings.fail("11.B", `contest '${contest.label}'`, `option '${option.label}' is not in the manifest`);
    }
    const listed = new Set(contest.options.map((o) => o.label));
    for (const label of [...optionLabels].sort()) {
      if (!listed.has(label)) findings.fail("11.C", `contest '${contest.label}'`, `manifest option '${label}' is missing from the tally`);
    }
    for (const option of contest.options) {
      findings.count("10");
      const subject = `contest '${contest.label}', option '${option.label}'`;
      const ciphertext = encrypted.get(`${contest.index}/${option.option}`);
      const infoOption = info.options[option.option - 1];
      if (!ciphertext || !optionLabels.has(option.label) || !infoOption || infoOption.label !== option.label) {
        findings.fail("10.B", subject, "no matching encrypted tally entry to check the decryption against");
        continue;
      }
      if (!group.inQ(option.response)) {
        findings.fail("10.A", subject, "the response v is not in Z_q");
        continue;
      }
      if (option.valuePower === 0n) {
        findings.fail("10.C", subject, "T is zero");
        continue;
      }
      const m = group.mul(ciphertext.data, group.inverse(option.valuePower));
      const a = group.mul(group.gPow(option.response), key.pow(option.challenge));
      const b = group.mul(group.pow(ciphertext.pad, option.response), group.pow(m, option.challenge));
      const expected = H.decryptionChallenge(group, hE, contest.index, option.option, ciphertext.pad, ciphertext.data, a, b, m);
      if (expected !== option.challenge) findings.fail("10.B", subject, "the decryption proof's challenge does not match (M = B/T is not A^s)");
      if (!Number.isInteger(option.value) || option.value < 0 || key.pow(BigInt(option.value)) !== option.valuePower) {
        findings.fail("10.C", subject, `T is not K^t for the published count t = ${option.value}`);
      }
    }
  }
  for (const label of [...byLabel.keys()].sort()) {
    if (seen.has(label)) continue;
    if (ballotContestLabels.has(label)) findings.fail("11.D", `contest '${label}'`, "appears on submitted ballots but not in the tally");
    else findings.fail("11.C", `contest '${label}'`, "is in the manifest but not in the tally");
  }
}

// -- Check G -----------------------------------------------------------------------------------------

const DECRYPTION_CONTEXT = UTF8.encode("nazaha-decryption-message/2");

async function checkDecryption(files, record, findings) {
  const numbers = [];
  while (files.has(`decryption/round-${numbers.length + 1}.json`)) numbers.push(numbers.length + 1);
  if (!numbers.length) {
    findings.fail("G.A", "decryption/", "the record holds no decryption round");
    return;
  }
  const hE = fromHex(record.hashes.extended);
  let lastPresent = [];
  for (const number of numbers) {
    const name = `decryption/round-${number}.json`;
    findings.count("G");
    let doc;
    try {
      doc = parseCanonical(files.get(name), name);
    } catch (error) {
      findings.fail("G.A", name, `cannot be read: ${error.message}`);
      return;
    }
    const present = doc.present ?? [];
    const n = record.parameters.guardians;
    if (doc.round !== number || present.length < record.parameters.quorum || !present.every((i) => i >= 1 && i <= n)) {
      findings.fail("G.A", name, `names round ${doc.round} with guardians ${JSON.stringify(present)}: not a quorum`);
      continue;
    }
    const last = number === numbers[numbers.length - 1];
    for (const step of ["commit", "reveal", "respond"]) {
      for (const guardian of present) {
        const base = `decryption/round-${number}/${step}/guardian_${guardian}`;
        const body = files.get(`${base}.json`);
        if (body === undefined) {
          if (last) findings.fail("G.A", `${base}.json`, `guardian ${guardian}'s ${step} message of the last round is missing`);
          continue;
        }
        findings.count("G");
        let signature;
        try {
          signature = fromHex(new TextDecoder().decode(files.get(`${base}.sig`) ?? new Uint8Array()));
          if (!signature.length) throw new Error("missing");
        } catch {
          findings.fail("G.B", `${base}.sig`, "the message's signature is missing or not hexadecimal");
          continue;
        }
        const key = record.guardians[guardian - 1].signingKey;
        const round = new Uint8Array(4);
        new DataView(round.buffer).setUint32(0, number);
        const who = new Uint8Array(4);
        new DataView(who.buffer).setUint32(0, guardian);
        const message = H.concat([DECRYPTION_CONTEXT, new Uint8Array([0]), hE, round, UTF8.encode(step), new Uint8Array([0]), who, body]);
        let keyBytes = new Uint8Array(0);
        try {
          keyBytes = fromHex(key);
        } catch {
          // no key: the signature cannot verify
        }
        if (!(await ed25519Verify(keyBytes, signature, message))) {
          findings.fail("G.B", `${base}.json`, keyBytes.length !== 32
            ? `guardian ${guardian} declared no signing key, so its messages cannot be authenticated`
            : `the message is not signed by guardian ${guardian}'s key`);
          continue;
        }
        let named;
        try {
          const message = parseCanonical(body, base);
          if (step === "commit" && JSON.stringify(message.present) !== JSON.stringify(present)) {
            throw new FormatError(`${base}: names guardians ${JSON.stringify(message.present)}, not the round's ${JSON.stringify(present)}`);
          }
          named = message.guardian;
        } catch (error) {
          findings.fail("G.B", `${base}.json`, `cannot be read: ${error.message}`);
          continue;
        }
        if (named !== guardian) findings.fail("G.B", `${base}.json`, `the message speaks for guardian ${named}, not ${guardian}`);
      }
    }
    lastPresent = present;
  }
  if (JSON.stringify(record.tally.present) !== JSON.stringify(lastPresent)) {
    findings.fail("G.C", "tally.json", `decrypted by guardians ${JSON.stringify(record.tally.present)}, but the last round named ${JSON.stringify(lastPresent)}`);
  }
}

// -- the report --------------------------------------------------------------------------------------

function report(findings, totals) {
  const checks = CHECKS.map((check) => {
    const failures = findings.failures[check.number] ?? [];
    let status = failures.length ? "failed" : "passed";
    let note = "";
    const notApplicable = (why) => {
      if (!failures.length) {
        status = "not applicable";
        note = why;
      }
    };
    if (!totals.signatures && ["E", "S", "G"].includes(check.number) && !failures.length) {
      status = "not checked";
      note = "this browser cannot check Ed25519 signatures (it needs a secure context: https, or the page saved as a file)";
    } else if (check.number === "12") {
      if (totals.contestDataNotApplicable) notApplicable(totals.contestDataNotApplicable);
    } else if (check.number === "D" && !(findings.items.D ?? 0)) notApplicable("no contest of the manifest declares contest data");
    else if (check.number === "A") {
      if (!totals.audited) notApplicable("the record holds no paper audit (no audit/ folder)");
      else if (!failures.length) {
        status = "not checked";
        note = "the record holds a paper audit (audit/); this verifier does not check it: run nazaha verify";
      }
    }
    else if ((check.number === "13" || check.number === "14") && !totals.challenged) notApplicable("no ballot was challenged");
    else if (check.number === "13" && totals.unopened && !failures.length) {
      status = "not checked";
      note = "the record has challenged ballots published as unopened; this verifier does not check their nonce shares";
    } else if (check.number === "E") note = totals.eligibilityNote;
    else if (check.number === "S") {
      if (totals.signatureNote) note = totals.signatureNote;
      else notApplicable("the election declared no administrator key, so its record is not signed");
    } else if (check.number === "G" && !totals.signedRounds) notApplicable("the record predates signed decryption rounds (no guardian declared a signing key)");
    else if (PRE_ENCRYPTED.includes(check.number)) notApplicable("the record has no pre-encrypted ballots (Nazaha's format has no place for them)");
    return { number: check.number, title: check.title, status, items: findings.items[check.number] ?? 0, failures, note };
  });
  const failed = checks.some((c) => c.status === "failed");
  const unchecked = checks.some((c) => c.status === "not checked");
  return {
    format: "ElectionGuard 2.1 (Nazaha record layout)",
    spec_version: "2.1.0",
    verdict: failed ? "INVALID" : unchecked ? "incomplete" : "valid",
    checks,
    failure_count: checks.reduce((t, c) => t + c.failures.length, 0),
    warnings: findings.warnings,
  };
}
