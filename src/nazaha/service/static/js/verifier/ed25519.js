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
