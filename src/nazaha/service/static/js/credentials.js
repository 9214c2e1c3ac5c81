// A voter's credential in the browser: read it as typed, derive its Ed25519 key, sign a ballot.
//
// The same rules as nazaha.credentials (Python), byte for byte (tests/js/credentials.test.mjs):
//   * the credential is 16 symbols of Crockford's Base32 (the last one a Luhn mod-32 check
//     symbol); lower case is read as upper case, I and L as 1, O as 0; spaces and hyphens ignored;
//   * seed = scrypt(P = the 16 symbols, S = "nazaha credential" 0x00 election_id, N, r, p, 32)
//     (RFC 7914; PBKDF2-HMAC-SHA-256 from WebCrypto, the Salsa20/8 core written here);
//   * the key is the Ed25519 key with that seed (RFC 8032), used through WebCrypto;
//   * a ballot's signature covers "nazaha-ballot-signature/1" 0x00 H_E H_C.
// The credential and its seed never leave the page.

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SYMBOLS = 15;
const SAME = { I: "1", L: "1", O: "0" };
const subtle = globalThis.crypto.subtle;

export class CredentialError extends Error {}

function checkSymbol(body) {
  const n = ALPHABET.length;
  let factor = 2;
  let total = 0;
  for (let i = body.length - 1; i >= 0; i -= 1) {
    const addend = factor * ALPHABET.indexOf(body[i]);
    total += Math.floor(addend / n) + (addend % n);
    factor = factor === 2 ? 1 : 2;
  }
  return ALPHABET[(n - (total % n)) % n];
}

/** The 16 symbols of a typed credential; a CredentialError saying what is wrong (code and count). */
export function normalizeCredential(typed) {
  const cleaned = [...typed.replace(/[\s-]+/gu, "").toUpperCase()].map((c) => SAME[c] ?? c).join("");
  if (cleaned.length !== SYMBOLS + 1) {
    throw new CredentialError(`length:${cleaned.length}`);
  }
  if ([...cleaned].some((c) => !ALPHABET.includes(c))) {
    throw new CredentialError("alphabet");
  }
  if (checkSymbol(cleaned.slice(0, SYMBOLS)) !== cleaned[SYMBOLS]) {
    throw new CredentialError("check");
  }
  return cleaned;
}

/** XXXXX-XXXXX-XXXXX-X */
export function formatCredential(credential) {
  const normal = normalizeCredential(credential);
  return normal.match(/.{1,5}/gu).join("-");
}

// -- scrypt (RFC 7914) -----------------------------------------------------------------------

function rotl(value, bits) {
  return (value << bits) | (value >>> (32 - bits));
}

function salsa208(block) {
  // The Salsa20/8 core on 16 little-endian 32-bit words, in place (RFC 7914 §3).
  const x = block.slice();
  for (let round = 0; round < 8; round += 2) {
    x[4] ^= rotl((x[0] + x[12]) | 0, 7); x[8] ^= rotl((x[4] + x[0]) | 0, 9);
    x[12] ^= rotl((x[8] + x[4]) | 0, 13); x[0] ^= rotl((x[12] + x[8]) | 0, 18);
    x[9] ^= rotl((x[5] + x[1]) | 0, 7); x[13] ^= rotl((x[9] + x[5]) | 0, 9);
    x[1] ^= rotl((x[13] + x[9]) | 0, 13); x[5] ^= rotl((x[1] + x[13]) | 0, 18);
    x[14] ^= rotl((x[10] + x[6]) | 0, 7); x[2] ^= rotl((x[14] + x[10]) | 0, 9);
    x[6] ^= rotl((x[2] + x[14]) | 0, 13); x[10] ^= rotl((x[6] + x[2]) | 0, 18);
    x[3] ^= rotl((x[15] + x[11]) | 0, 7); x[7] ^= rotl((x[3] + x[15]) | 0, 9);
    x[11] ^= rotl((x[7] + x[3]) | 0, 13); x[15] ^= rotl((x[11] + x[7]) | 0, 18);
    x[1] ^= rotl((x[0] + x[3]) | 0, 7); x[2] ^= rotl((x[1] + x[0]) | 0, 9);
    x[3] ^= rotl((x[2] + x[1]) | 0, 13); x[0] ^= rotl((x[3] + x[2]) | 0, 18);
    x[6] ^= rotl((x[5] + x[4]) | 0, 7); x[7] ^= rotl((x[6] + x[5]) | 0, 9);
    x[4] ^= rotl((x[7] + x[6]) | 0, 13); x[5] ^= rotl((x[4] + x[7]) | 0, 18);
    x[11] ^= rotl((x[10] + x[9]) | 0, 7); x[8] ^= rotl((x[11] + x[10]) | 0, 9);
    x[9] ^= rotl((x[8] + x[11]) | 0, 13); x[10] ^= rotl((x[9] + x[8]) | 0, 18);
    x[12] ^= rotl((x[15] + x[14]) | 0, 7); x[13] ^= rotl((x[12] + x[15]) | 0, 9);
    x[14] ^= rotl((x[13] + x[12]) | 0, 13); x[15] ^= rotl((x[14] + x[13]) | 0, 18);
  }
  for (let i = 0; i < 16; i += 1) block[i] = (block[i] + x[i]) | 0;
}

function blockMix(B, Y, r) {
  // scryptBlockMix (RFC 7914 §4) over 2r 64-byte blocks of 16 words.
  const X = B.slice((2 * r - 1) * 16, 2 * r * 16);
  for (let i = 0; i < 2 * r; i += 1) {
    for (let j = 0; j < 16; j += 1) X[j] ^= B[i * 16 + j];
    salsa208(X);
    Y.set(X, i * 16);
  }
  for (let i = 0; i < r; i += 1) {
    B.set(Y.subarray(2 * i * 16, 2 * i * 16 + 16), i * 16);
    B.set(Y.subarray((2 * i + 1) * 16, (2 * i + 1) * 16 + 16), (r + i) * 16);
  }
}

function roMix(B, N, r) {
  // scryptROMix (RFC 7914 §5): N steps forward into V, N integerified steps back.
  const words = 32 * r;
  const V = new Int32Array(words * N);
  const Y = new Int32Array(words);
  for (let i = 0; i < N; i += 1) {
    V.set(B, i * words);
    blockMix(B, Y, r);
  }
  for (let i = 0; i < N; i += 1) {
    const j = B[(2 * r - 1) * 16] & (N - 1);
    for (let k = 0; k < words; k += 1) B[k] ^= V[j * words + k];
    blockMix(B, Y, r);
  }
}

async function pbkdf2(password, salt, length) {
  const key = await subtle.importKey("raw", password, "PBKDF2", false, ["deriveBits"]);
  return new Uint8Array(await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations: 1 }, key, length * 8));
}

/** scrypt(password, salt, N, r, p, dkLen) of RFC 7914, for byte arrays. */
export async function scrypt(password, salt, N, r, p, dkLen) {
  const blocks = await pbkdf2(password, salt, p * 128 * r);
  const words = new DataView(blocks.buffer);
  const mixed = new Uint8Array(blocks.length);
  const out = new DataView(mixed.buffer);
  for (let i = 0; i < p; i += 1) {
    const B = new Int32Array(32 * r);
    for (let k = 0; k < 32 * r; k += 1) B[k] = words.getInt32((i * 32 * r + k) * 4, true);
    roMix(B, N, r);
    for (let k = 0; k < 32 * r; k += 1) out.setInt32((i * 32 * r + k) * 4, B[k], true);
  }
  return pbkdf2(password, mixed, dkLen);
}

// -- the credential's key ---------------------------------------------------------------------

const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

function fromBase64Url(text) {
  const padded = text.replace(/-/gu, "+").replace(/_/gu, "/") + "==".slice(0, (4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

function hex(bytes) {
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
}

function fromHex(text) {
  return Uint8Array.from(text.match(/.{2}/gu), (pair) => parseInt(pair, 16));
}

/** The credential's Ed25519 seed for ``electionId`` with the list's scrypt parameters ``kdf``. */
export async function credentialSeed(credential, electionId, kdf) {
  const encoder = new TextEncoder();
  const salt = new Uint8Array([...encoder.encode("nazaha credential"), 0, ...encoder.encode(electionId)]);
  return scrypt(encoder.encode(normalizeCredential(credential)), salt, kdf.n, kdf.r, kdf.p, 32);
}

/** A signing key of a seed: {key (WebCrypto), publicKey (uppercase hex)}. */
export async function signingKey(seed) {
  const pkcs8 = new Uint8Array([...PKCS8_PREFIX, ...seed]);
  const key = await subtle.importKey("pkcs8", pkcs8, { name: "Ed25519" }, true, ["sign"]);
  const jwk = await subtle.exportKey("jwk", key);
  return { key, publicKey: hex(fromBase64Url(jwk.x)) };
}

/** The message a credential signs for one ballot: context 0x00 H_E H_C (hex inputs). */
export function ballotSignatureMessage(extendedHashHex, confirmationCodeHex) {
  const context = new TextEncoder().encode("nazaha-ballot-signature/1");
  return new Uint8Array([...context, 0, ...fromHex(extendedHashHex), ...fromHex(confirmationCodeHex)]);
}

/** {credential, credential_signature}: the fields a signed ballot file carries. */
export async function signBallot(signer, extendedHashHex, confirmationCodeHex) {
  const message = ballotSignatureMessage(extendedHashHex, confirmationCodeHex);
  const signature = new Uint8Array(await subtle.sign({ name: "Ed25519" }, signer.key, message));
  return { credential: signer.publicKey, credential_signature: hex(signature) };
}
