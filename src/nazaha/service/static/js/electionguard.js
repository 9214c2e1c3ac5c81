// ElectionGuard 2.1 in the voter's browser (and in Node for tests): bytes, the group with its
// tables of powers, the hash, the election context, and opening a ballot with its nonce. The
// ballot's encryption itself is in encrypt.js.
//
// A port of the pieces of nazaha.voting.encrypt that it uses, with BigInt arithmetic and the Web
// Crypto API's HMAC-SHA-256. Spec references (ElectionGuard Design Specification 2.1):
//   H(B0; B1) = HMAC-SHA-256(B0, B1), B1 = domain byte ‖ fixed-width encodings      §5.1-5.2
//   H_q = H read big-endian mod q                                                     §5.4
//   H_I = H(H_E; 0x20, id_B)                                                          eq. 32
//   ξ_i,j = H_q(H_I; 0x21, i, j, ξ_B)                                                 eq. 33
//   h = H(H_I; 0x22, α_B, β_B),
//   k_1 = HMAC(h, 0x01 ‖ "ballot_nonce" ‖ 0x00 ‖ "ballot_nonce_encrypt" ‖ 0x0100)   eqs. 35-36
//   H_DI = H(H_E; 0x2A, S_device), no chaining: B_C = 0x00000000 ‖ H_DI             eqs. 72-73
// Nothing here sends anything anywhere; the page does that.

const subtle = globalThis.crypto.subtle;
const encoder = new TextEncoder();

export const RECORD_FORMAT = "nazaha-record/1";

// -- bytes and integers ------------------------------------------------------------------------

export function hexToBytes(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new Error("not a hexadecimal byte string");
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

export function bytesToHex(bytes) {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out.toUpperCase();
}

export function concat(parts) {
  const total = parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** b(x, n): x as n big-endian bytes (§5.1). */
export function intToBytes(value, length) {
  if (value < 0n) throw new Error("negative integer");
  const hex = value.toString(16).padStart(2 * length, "0");
  if (hex.length > 2 * length) throw new Error("integer too large for its width");
  return hexToBytes(hex);
}

export function bytesToInt(bytes) {
  return bytes.length ? BigInt("0x" + bytesToHex(bytes)) : 0n;
}

function u32(value) {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** 31) throw new Error("small integer out of range");
  return new Uint8Array([(value >>> 24) & 255, (value >>> 16) & 255, (value >>> 8) & 255, value & 255]);
}

export function xor(a, b) {
  if (a.length !== b.length) throw new Error("XOR of arrays of different lengths");
  return a.map((x, i) => x ^ b[i]);
}

// -- the group ----------------------------------------------------------------------------------

export class Group {
  constructor(pHex, qHex, gHex) {
    this.p = BigInt("0x" + pHex);
    this.q = BigInt("0x" + qHex);
    this.g = BigInt("0x" + gHex);
    this.pBytes = Math.ceil(pHex.replace(/^0+/, "").length / 2);
    this.qBytes = Math.ceil(qHex.replace(/^0+/, "").length / 2);
    this.tables = new Map(); // base -> FixedBase, made by fixed()
  }

  /** base^exponent mod p: by the base's table when one was made (fixed), else left-to-right
   * with a 4-bit window. */
  pow(base, exponent) {
    const fixed = this.tables.get(base);
    if (fixed) return fixed.pow(exponent);
    const p = this.p;
    exponent %= this.q;
    if (exponent < 0n) exponent += this.q;
    base %= p;
    const table = [1n, base];
    for (let i = 2; i < 16; i++) table.push((table[i - 1] * base) % p);
    const digits = exponent.toString(16);
    let result = 1n;
    for (const digit of digits) {
      result = (result * result) % p;
      result = (result * result) % p;
      result = (result * result) % p;
      result = (result * result) % p;
      const d = parseInt(digit, 16);
      if (d) result = (result * table[d]) % p;
    }
    return result;
  }

  /** The table of powers of ``base`` (cached on the group): see FixedBase. */
  fixed(base) {
    let table = this.tables.get(base);
    if (table === undefined) {
      table = new FixedBase(this, base);
      this.tables.set(base, table);
    }
    return table;
  }

  mul(a, b) {
    return (a * b) % this.p;
  }

  fmtP(value) {
    return value.toString(16).toUpperCase().padStart(2 * this.pBytes, "0");
  }

  fmtQ(value) {
    return value.toString(16).toUpperCase().padStart(2 * this.qBytes, "0");
  }
}

/**
 * Powers of one base by table (spec Note 3.5: every exponentiation of an encryption has base g or
 * K): row i holds base^(d·16^i) for d = 0..15, one row per hexadecimal digit of q, so base^e for
 * e in Z_q is one multiplication per nonzero digit of e and no squaring (about 60 products
 * instead of about 320). The table is 16 · 64 numbers of 4096 bits (512 KB) for the standard group.
 */
export class FixedBase {
  constructor(group, base) {
    const p = group.p;
    this.p = p;
    this.q = group.q;
    this.rows = [];
    let power = base % p;
    for (let i = 0; i < group.q.toString(16).length; i++) {
      const row = [1n, power];
      for (let d = 2; d < 16; d++) row.push((row[d - 1] * power) % p);
      this.rows.push(row);
      power = (row[15] * power) % p;
    }
  }

  pow(exponent) {
    exponent %= this.q;
    if (exponent < 0n) exponent += this.q;
    const digits = exponent.toString(16);
    const last = digits.length - 1;
    let result = 1n;
    for (let i = 0; i <= last; i++) {
      const d = parseInt(digits[last - i], 16);
      if (d) result = (result * this.rows[i][d]) % this.p;
    }
    return result;
  }
}

// -- hashing (§5) ------------------------------------------------------------------------------

/** Hash items: {p: bigint} | {q: bigint} | {u32: number} | {raw: Uint8Array} | {text: string}. */
function encodeItem(group, item) {
  if ("p" in item) {
    if (item.p < 0n || item.p >= group.p) throw new Error("a value hashed mod p is out of range");
    return intToBytes(item.p, group.pBytes);
  }
  if ("q" in item) return intToBytes(item.q, group.qBytes);
  if ("u32" in item) return u32(item.u32);
  if ("raw" in item) return item.raw;
  if ("text" in item) {
    const bytes = encoder.encode(item.text);
    return concat([u32(bytes.length), bytes]);
  }
  throw new Error("unknown hash item");
}

async function hmac(key, message) {
  const handle = await subtle.importKey("raw", key, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await subtle.sign("HMAC", handle, message));
}

// The KDF labels of eq. (36) as the 2.1.0 PDF prints them (p. 30), with underscores; the spec's
// text conversion drops them (docs/decisions.md).
export const BALLOT_NONCE_LABEL = "ballot_nonce";
export const BALLOT_NONCE_CONTEXT = "ballot_nonce_encrypt";

/** k_1 that masks ξ_B: h = H(H_I; 0x22, α_B, β_B) (eq. 35),
 *  k_1 = HMAC(h, 0x01 ‖ Label ‖ 0x00 ‖ Context ‖ 0x0100) (eq. 36). */
export async function ballotNonceKey(group, idHash, pad, shared) {
  const secret = await hashH(group, idHash, 0x22, [{ p: pad }, { p: shared }]);
  return hmac(
    secret,
    concat([
      new Uint8Array([1]),
      encoder.encode(BALLOT_NONCE_LABEL),
      new Uint8Array([0]),
      encoder.encode(BALLOT_NONCE_CONTEXT),
      new Uint8Array([1, 0]),
    ]),
  );
}

/** H(key; domain, items...) (§5.2, eq. 130). */
export async function hashH(group, key, domain, items) {
  if (key.length !== 32) throw new Error("the first input of H is 32 bytes");
  return hmac(key, concat([new Uint8Array([domain]), ...items.map((item) => encodeItem(group, item))]));
}

/** H_q (§5.4, eq. 132). */
export async function hashQ(group, key, domain, items) {
  return bytesToInt(await hashH(group, key, domain, items)) % group.q;
}

// -- randomness -------------------------------------------------------------------------------

export function randomBytes(length) {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/** A uniform integer in [0, bound) from the browser's CSPRNG (rejection sampling). */
export function randomBelow(bound) {
  const length = Math.ceil(bound.toString(16).length / 2) + 8;
  const space = 1n << BigInt(8 * length);
  const limit = space - (space % bound);
  for (;;) {
    const candidate = bytesToInt(randomBytes(length));
    if (candidate < limit) return candidate % bound;
  }
}

// -- the election context ------------------------------------------------------------------------

/**
 * The public values a booth needs: {group: {p, q, g}, extended_hash, vote_key, data_key,
 * contests: [{index, label, contest_limit, option_limits: [R_1, ...]}], styles: [{index, contests: [i, ...]}]}.
 */
export function loadContext(raw) {
  const group = new Group(raw.group.p, raw.group.q, raw.group.g);
  return {
    group,
    extendedHash: hexToBytes(raw.extended_hash),
    voteKey: BigInt("0x" + raw.vote_key),
    dataKey: BigInt("0x" + raw.data_key),
    contests: new Map(raw.contests.map((c) => [c.index, c])),
    styles: new Map(raw.styles.map((s) => [s.index, s])),
  };
}

export async function deviceChainingField(context, device) {
  const hDI = await hashH(context.group, context.extendedHash, 0x2a, [{ text: device }]);
  return concat([new Uint8Array([0, 0, 0, 0]), hDI]);
}

/**
 * Open a ballot with its nonce ξ_B, as a challenged ballot is opened (§3.5): recompute every
 * selection nonce and find the value each ciphertext holds. Checks H_I and that each pad is g^ξ.
 * Returns {contestIndex: [value per option]}.
 */
export async function openBallot(context, doc, ballotNonce) {
  const { group, voteKey, extendedHash } = context;
  const idHash = await hashH(group, extendedHash, 0x20, [{ raw: hexToBytes(doc.selection_id) }]);
  if (bytesToHex(idHash) !== doc.id_hash) throw new Error("the ballot's H_I does not belong to this election");
  const opened = {};
  for (const contest of doc.contests) {
    const limits = context.contests.get(contest.contest).option_limits;
    opened[contest.contest] = [];
    for (const selection of contest.selections) {
      const nonce = await hashQ(group, idHash, 0x21, [
        { u32: contest.contest },
        { u32: selection.option },
        { raw: ballotNonce },
      ]);
      if (group.pow(group.g, nonce) !== BigInt("0x" + selection.pad)) {
        throw new Error(`contest ${contest.label}, option ${selection.option}: the nonce does not open this ciphertext`);
      }
      const data = BigInt("0x" + selection.data);
      let found = -1;
      let power = group.pow(voteKey, nonce);
      for (let value = 0; value <= limits[selection.option - 1]; value++) {
        if (power === data) {
          found = value;
          break;
        }
        power = group.mul(power, voteKey);
      }
      if (found < 0) throw new Error(`contest ${contest.label}, option ${selection.option}: no value in range`);
      opened[contest.contest].push(found);
    }
  }
  return opened;
}

/** The current time in the record's format: ISO 8601, UTC, to the second. */
export function utcNow() {
  return new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
}
