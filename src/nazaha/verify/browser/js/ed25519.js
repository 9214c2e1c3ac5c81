// Ed25519 signature checks through the platform's WebCrypto (browsers and Node 20 both have it).

const KEYS = new Map();

export async function ed25519Verify(publicKey, signature, message) {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  const id = Array.from(publicKey).join(",");
  try {
    let key = KEYS.get(id);
    if (key === undefined) {
      key = await globalThis.crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, ["verify"]);
      KEYS.set(id, key);
    }
    return await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, signature, message);
  } catch {
    return false;
  }
}

// RFC 8032 §7.1, test 1: the empty message signed by this key.
const VECTOR_KEY = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
const VECTOR_SIGNATURE =
  "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";

function bytes(hex) {
  return new Uint8Array(hex.match(/../g).map((pair) => parseInt(pair, 16)));
}

/** Whether this platform checks Ed25519 (WebCrypto needs a secure context: https, localhost, a file). */
export async function ed25519Supported() {
  if (!globalThis.crypto?.subtle) return false;
  try {
    const key = await globalThis.crypto.subtle.importKey("raw", bytes(VECTOR_KEY), { name: "Ed25519" }, false, ["verify"]);
    const good = await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, bytes(VECTOR_SIGNATURE), new Uint8Array());
    const forged = bytes(VECTOR_SIGNATURE);
    forged[0] ^= 1;
    const bad = await globalThis.crypto.subtle.verify({ name: "Ed25519" }, key, forged, new Uint8Array());
    return good && !bad;
  } catch {
    return false;
  }
}
