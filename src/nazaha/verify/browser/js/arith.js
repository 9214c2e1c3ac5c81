// Group arithmetic for the verifier: integers mod p in the order-q subgroup (spec 2.1 §3.1),
// on native BigInt. Exponentiation is left-to-right with a sliding window; bases used for many
// exponentiations (g, the election key K) get a fixed-base table of their 2^(8i) powers.

export function bigFromHex(text) {
  if (typeof text !== "string" || !/^[0-9A-F]+$/.test(text)) throw new Error("not uppercase hexadecimal");
  return BigInt("0x" + text);
}

export function bigToBytes(value, width) {
  const hex = value.toString(16).padStart(2 * width, "0");
  if (hex.length > 2 * width) throw new Error("value too large for its encoding");
  const out = new Uint8Array(width);
  for (let i = 0; i < width; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}

export function bigFromBytes(bytes) {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return BigInt("0x" + (hex || "0"));
}

const WINDOW = 5;

let memo = null;

/** Remember variable-base exponentiations (base, exponent) across records: for a corpus of
 * records that differ in one field (the tamper tests), where most exponentiations repeat. */
export function rememberPowers(enabled = true) {
  memo = enabled ? new Map() : null;
}

export function modPow(base, exponent, modulus) {
  if (exponent < 0n) throw new Error("negative exponent");
  if (exponent === 0n) return 1n % modulus;
  base %= modulus;
  // odd powers base^1, base^3, ..., base^(2^WINDOW - 1)
  const square = (base * base) % modulus;
  const odd = [base];
  for (let i = 1; i < 1 << (WINDOW - 1); i++) odd.push((odd[i - 1] * square) % modulus);
  const bits = exponent.toString(2);
  let result = 1n;
  let i = 0;
  while (i < bits.length) {
    if (bits[i] === "0") {
      result = (result * result) % modulus;
      i++;
      continue;
    }
    let j = Math.min(i + WINDOW, bits.length);
    while (bits[j - 1] === "0") j--;
    for (let s = i; s < j; s++) result = (result * result) % modulus;
    result = (result * odd[parseInt(bits.slice(i, j), 2) >> 1]) % modulus;
    i = j;
  }
  return result;
}

/** base^e for many e < 2^bits: table[i][d] = base^(d·256^i); about bits/8 multiplications each. */
export class FixedBase {
  constructor(base, modulus, bits) {
    this.modulus = modulus;
    this.id = `fixed:${base.toString(16)}`;
    this.table = [];
    let power = base % modulus;
    for (let i = 0; i < Math.ceil(bits / 8); i++) {
      const row = [1n, power];
      for (let d = 2; d < 256; d++) row.push((row[d - 1] * power) % modulus);
      this.table.push(row);
      power = (row[255] * power) % modulus;
    }
  }

  pow(exponent) {
    if (memo === null) return this._pow(exponent);
    const key = `${this.id}^${exponent.toString(16)}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = this._pow(exponent);
      memo.set(key, value);
    }
    return value;
  }

  _pow(exponent) {
    const hex = exponent.toString(16);
    const bytes = hex.length % 2 ? "0" + hex : hex;
    const count = bytes.length / 2;
    if (count > this.table.length) throw new Error("exponent too large for the fixed-base table");
    let result = 1n;
    for (let i = 0; i < count; i++) {
      const digit = parseInt(bytes.substr(bytes.length - 2 * (i + 1), 2), 16);
      if (digit) result = (result * this.table[i][digit]) % this.modulus;
    }
    return result;
  }
}

const FIXED_TABLES = new Map();

export class Group {
  constructor(p, q, g) {
    this.p = p;
    this.q = q;
    this.g = g;
    this.pBytes = Math.ceil(p.toString(16).length / 2);
    this.qBytes = Math.ceil(q.toString(16).length / 2);
    this.qBits = q.toString(2).length;
  }

  fixed(base) {
    // Tables are shared by every group object with the same p (a record's, a worker's).
    const key = `${this.p.toString(16).slice(-16)}:${base.toString(16)}`;
    let table = FIXED_TABLES.get(key);
    if (table === undefined) {
      if (FIXED_TABLES.size >= 8) FIXED_TABLES.delete(FIXED_TABLES.keys().next().value);
      table = new FixedBase(base, this.p, this.qBits);
      FIXED_TABLES.set(key, table);
    }
    return table;
  }

  gPow(exponent) {
    return this.fixed(this.g).pow(exponent);
  }

  pow(base, exponent) {
    if (memo === null) return modPow(base, exponent, this.p);
    const key = `${base.toString(16)}^${exponent.toString(16)}`;
    let value = memo.get(key);
    if (value === undefined) {
      value = modPow(base, exponent, this.p);
      memo.set(key, value);
    }
    return value;
  }

  mul(a, b) {
    return (a * b) % this.p;
  }

  /** a^-1 mod p by the extended Euclidean algorithm (a must be a unit). */
  inverse(a) {
    let [r0, r1] = [this.p, ((a % this.p) + this.p) % this.p];
    let [t0, t1] = [0n, 1n];
    while (r1 !== 0n) {
      const quotient = r0 / r1;
      [r0, r1] = [r1, r0 - quotient * r1];
      [t0, t1] = [t1, t0 - quotient * t1];
    }
    if (r0 !== 1n) throw new Error("not invertible mod p");
    return ((t0 % this.p) + this.p) % this.p;
  }

  isElement(x) {
    return typeof x === "bigint" && x > 0n && x < this.p && this.pow(x, this.q) === 1n;
  }

  inQ(x) {
    return typeof x === "bigint" && x >= 0n && x < this.q;
  }
}
