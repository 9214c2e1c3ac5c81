// Reading a record zip in the browser: a small parser of the zip central directory (APPNOTE
// 6.3.x §4.3.12-16) and the platform's DecompressionStream("deflate-raw") for deflated members.
// Stored and deflated members are supported; anything else (encryption, zip64, other methods)
// is refused with a message. Each member's CRC-32 is checked.

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes) {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 255] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export class ZipError extends Error {}

async function inflate(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The members of the zip in ``buffer`` (an ArrayBuffer or Uint8Array): Map name -> bytes. */
export async function readZip(buffer, maxBytes = 4 * 1024 ** 3) {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 22 - 65535); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new ZipError("not a zip file (no end of central directory)");
  const count = view.getUint16(end + 10, true);
  let offset = view.getUint32(end + 16, true);
  if (count === 0xffff || offset === 0xffffffff) throw new ZipError("zip64 archives are not supported");
  const decoder = new TextDecoder("utf-8", { fatal: true });
  const members = new Map();
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (view.getUint32(offset, true) !== 0x02014b50) throw new ZipError("damaged central directory");
    const flags = view.getUint16(offset + 8, true);
    const method = view.getUint16(offset + 10, true);
    const crc = view.getUint32(offset + 16, true);
    const compressed = view.getUint32(offset + 20, true);
    const size = view.getUint32(offset + 24, true);
    const nameLength = view.getUint16(offset + 28, true);
    const extraLength = view.getUint16(offset + 30, true);
    const commentLength = view.getUint16(offset + 32, true);
    const local = view.getUint32(offset + 42, true);
    const name = decoder.decode(bytes.subarray(offset + 46, offset + 46 + nameLength));
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith("/")) continue;
    if (flags & 1) throw new ZipError(`${name}: encrypted members are not supported`);
    if (name.startsWith("/") || name.split("/").includes("..") || name.includes("\\")) {
      throw new ZipError(`member ${name} points outside the record`);
    }
    total += size;
    if (total > maxBytes) throw new ZipError("the archive unpacks to more than the verifier can hold");
    if (view.getUint32(local, true) !== 0x04034b50) throw new ZipError(`${name}: damaged local header`);
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(start, start + compressed);
    let data;
    if (method === 0) data = raw.slice();
    else if (method === 8) data = await inflate(raw);
    else throw new ZipError(`${name}: compression method ${method} is not supported`);
    if (data.length !== size || crc32(data) !== crc) throw new ZipError(`${name}: damaged (size or CRC-32 mismatch)`);
    if (members.has(name)) {
      const other = members.get(name);
      if (other.length !== data.length || other.some((b, j) => b !== data[j])) {
        throw new ZipError(`member ${name} appears twice with different contents`);
      }
    }
    members.set(name, data);
  }
  return members;
}

/** The record's files relative to its folder: the archive's root, or its one top folder. */
export function recordFiles(members) {
  if (members.has("record.json")) return members;
  const tops = new Set([...members.keys()].map((n) => n.split("/")[0]));
  if (tops.size === 1) {
    const [top] = tops;
    if (members.has(`${top}/record.json`)) {
      return new Map([...members].map(([n, b]) => [n.slice(top.length + 1), b]));
    }
  }
  throw new ZipError("the archive holds no record.json at its root or in one top folder");
}
