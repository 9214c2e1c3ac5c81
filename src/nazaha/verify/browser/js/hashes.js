// The hash H of ElectionGuard 2.1 §5 and the hashes the verifier recomputes (§5.5), written
// from the spec for the verifier alone: H(B0; B1) = HMAC-SHA-256(B0, B1), B1 a domain byte and
// the fixed-width encodings of the inputs; H_q reads H big-endian mod q (§5.4, eq. 132).

import { bigFromBytes, bigToBytes } from "./arith.js";
import { hmacSha256, fromHex } from "./sha256.js";

const UTF8 = new TextEncoder();

function u32(n) {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 31) throw new Error("small integer out of range");
  return new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
}

export const item = {
  modP: (group, x) => {
    if (x < 0n || x >= group.p) throw new Error("a value hashed mod p is out of range");
    return bigToBytes(x, group.pBytes);
  },
  u32,
  tag: (s) => UTF8.encode(s),
  text: (s) => {
    const bytes = UTF8.encode(s);
    return concat([u32(bytes.length), bytes]);
  },
  file: (bytes) => concat([u32(bytes.length), bytes]),
  raw: (bytes) => bytes,
};

export function concat(parts) {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** H(key; domain ‖ items) = HMAC-SHA-256(key, domain ‖ items), eq. (130). */
export function hashH(key, domain, items) {
  if (key.length !== 32) throw new Error("the first input of H is always 32 bytes");
  return hmacSha256(key, concat([new Uint8Array([domain]), ...items]));
}

export function hashQ(group, key, domain, items) {
  return bigFromBytes(hashH(key, domain, items)) % group.q;
}

const VERSION_2_1_0 = concat([fromHex("76322E312E30"), new Uint8Array(26)]);
const P = (group, values) => values.map((x) => item.modP(group, x));

/** H_P = H(ver; 0x00, p, q, g, n, k), §5.5.1. */
export function parameterHash(group, n, k) {
  return hashH(VERSION_2_1_0, 0x00, [
    bigToBytes(group.p, group.pBytes),
    bigToBytes(group.q, group.qBytes),
    bigToBytes(group.g, group.pBytes),
    u32(n),
    u32(k),
  ]);
}

/** H_B = H(H_P; 0x01, b(len(manifest), 4) ‖ manifest), §5.5.1. */
export function baseHash(hP, manifestBytes) {
  return hashH(hP, 0x01, [item.file(manifestBytes)]);
}

/** c_i ("pk_vote") or c-hat_i ("pk_data") of Verification 2, §5.5.2. */
export function coefficientChallenge(group, hP, tag, index, commitments, kappa, recomputed) {
  return hashQ(group, hP, 0x10, [item.tag(tag), u32(index), ...P(group, commitments), item.modP(group, kappa), ...P(group, recomputed)]);
}

/** H_E = H(H_B; 0x14, K, K-hat), §5.5.2. */
export function extendedHash(group, hB, voteKey, dataKey) {
  return hashH(hB, 0x14, P(group, [voteKey, dataKey]));
}

/** H_I = H(H_E; 0x20, id_B), §5.5.3. */
export function identifierHash(hE, selectionId) {
  return hashH(hE, 0x20, [selectionId]);
}

/** c_B = H_q(H_I; 0x23, a_B, C_ξB,0, C_ξB,1), eq. (38). */
export function ballotNonceChallenge(group, hI, commitment, pad, masked) {
  return hashQ(group, hI, 0x23, [...P(group, [commitment, pad]), masked]);
}

/** c = H_q(H_I; 0x24, ind_c, ind_o, α, β, a_0, b_0, ..., a_R, b_R), eq. (59). */
export function selectionChallenge(group, hI, contest, option, pad, data, commitments) {
  return hashQ(group, hI, 0x24, [u32(contest), u32(option), ...P(group, [pad, data, ...commitments])]);
}

/** c = H_q(H_I; 0x24, ind_c, ᾱ, β̄, a_0, b_0, ..., a_L, b_L), eq. (62). */
export function contestLimitChallenge(group, hI, contest, pad, data, commitments) {
  return hashQ(group, hI, 0x24, [u32(contest), ...P(group, [pad, data, ...commitments])]);
}

/**
 * χ_l = H(H_I; 0x28, l, α_1, β_1, ..., α_m, β_m, C_0, C_1, C_2), eq. (70): B1 ends with
 * b(C_0, 512) ‖ C_1 ‖ b(c, 32) ‖ b(v, 32) when the contest has contest data ``{pad, masked,
 * challenge, response}`` (§5.5.3), and without them when it has none (``data`` null).
 */
export function contestHash(group, hI, contest, pairs, data = null) {
  const items = [u32(contest), ...P(group, pairs.flat())];
  if (data) items.push(item.modP(group, data.pad), data.masked, bigToBytes(data.challenge, 32), bigToBytes(data.response, 32));
  return hashH(hI, 0x28, items);
}

/** c = H_q(H_I; 0x27, ind_c(Λ), a, C_0, C_1), eq. (69), §5.5.3. */
export function contestDataChallenge(group, hI, contest, a, c0, c1) {
  return hashQ(group, hI, 0x27, [u32(contest), ...P(group, [a, c0]), c1]);
}

/**
 * c = H_q(H_I; 0x33, ind_c(Λ), C_0, C_1, C_2, a, b, β), eq. (101) and (12.B), §5.5.4; C_2 = (c, v)
 * as b(c, 32) ‖ b(v, 32).
 */
export function contestDataDecryptionChallenge(group, hI, contest, data, a, b, beta) {
  return hashQ(group, hI, 0x33, [u32(contest), item.modP(group, data.pad), data.masked, bigToBytes(data.challenge, 32),
    bigToBytes(data.response, 32), ...P(group, [a, b, beta])]);
}

/**
 * k_1 ‖ ... ‖ k_bΛ of (13.6)-(13.7) and (12.4): h = H(H_I; 0x26, ind_c(Λ), α, β) and
 * k_l = HMAC(h, b(l, 4) ‖ "data_enc_keys" ‖ 0x00 ‖ "contest_data" ‖ b(ind_c(Λ), 4) ‖ b(b_Λ·256, 4)),
 * with the labels' underscores as the 2.1.0 PDF prints them (p. 40).
 */
export function contestDataKeys(group, hI, contest, alpha, beta, blocks) {
  const h = hashH(hI, 0x26, [u32(contest), ...P(group, [alpha, beta])]);
  const tail = concat([item.tag("data_enc_keys"), new Uint8Array([0]), item.tag("contest_data"), u32(contest), u32(blocks * 256)]);
  const keys = [];
  for (let counter = 1; counter <= blocks; counter++) keys.push(hmacSha256(h, concat([u32(counter), tail])));
  return concat(keys);
}

/** H_C = H(H_I; 0x29, χ_1, ..., χ_mB, B_C), eq. (71). */
export function confirmationCode(hI, contestHashes, chaining) {
  return hashH(hI, 0x29, [...contestHashes, chaining]);
}

/** H_DI = H(H_E; 0x2A, S_device), eq. (72). */
export function deviceHash(hE, device) {
  return hashH(hE, 0x2a, [item.text(device)]);
}

const SIMPLE = new Uint8Array([0, 0, 0, 1]);

/** H_0 = H(H_E; 0x29, 0x00000001 ‖ H_DI), eqs. (74), (75). */
export function chainInitialHash(hE, hDI) {
  return hashH(hE, 0x29, [SIMPLE, hDI]);
}

/** H = H(H_E; 0x29, 0x00000001 ‖ H(H_E; 0x2B, H_ℓ, B_C,0)), eqs. (77), (78). */
export function chainClosingHash(hE, lastCode, hDI) {
  const inner = hashH(hE, 0x2b, [lastCode, SIMPLE, hDI]);
  return hashH(hE, 0x29, [SIMPLE, inner]);
}

/** c = H_q(H_E; 0x31, ind_c, ind_o, A, B, a, b, M), eq. (90). */
export function decryptionChallenge(group, hE, contest, option, pad, data, a, b, m) {
  return hashQ(group, hE, 0x31, [u32(contest), u32(option), ...P(group, [pad, data, a, b, m])]);
}
