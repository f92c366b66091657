/**
 * IPv4 and IPv6 addresses and CIDR blocks, for API-key IP allow-lists.
 * Pure code: bytes in, booleans out; no bindings.
 */

/** Parses a dotted-quad IPv4 address into 4 bytes, or null. Leading zeros are refused (ambiguous octal). */
function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[i] = n;
  }
  return out;
}

/** Parses an IPv6 address (with `::` compression and an optional trailing IPv4) into 16 bytes, or null. */
function parseIPv6(text: string): Uint8Array | null {
  if (text.includes("%")) return null; // zone ids never appear in client addresses
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const toGroups = (s: string): number[] | null => {
    if (s === "") return [];
    const groups: number[] = [];
    const pieces = s.split(":");
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes(".")) {
        const v4 = parseIPv4(piece);
        if (!v4) return null;
        groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return null;
        groups.push(parseInt(piece, 16));
      }
    }
    return groups;
  };
  const head = toGroups(halves[0]!);
  const tail = halves.length === 2 ? toGroups(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    out[2 * i] = g >> 8;
    out[2 * i + 1] = g & 0xff;
  });
  return out;
}

/** An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is the IPv4 address for matching purposes. */
function unmapIPv4(bytes: Uint8Array): Uint8Array {
  if (bytes.length !== 16) return bytes;
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return bytes;
  if (bytes[10] !== 0xff || bytes[11] !== 0xff) return bytes;
  return bytes.slice(12);
}

/** Parses an IPv4 or IPv6 address into its bytes (4 or 16), or null when it is neither. */
export function parseIp(text: string): Uint8Array | null {
  const t = text.trim();
  const bytes = t.includes(":") ? parseIPv6(t.replace(/^\[|\]$/g, "")) : parseIPv4(t);
  return bytes ? unmapIPv4(bytes) : null;
}

type Block = { bytes: Uint8Array; prefix: number };

/** Parses `addr` or `addr/prefix`; a bare address is a single-host block. */
export function parseCidr(text: string): Block | null {
  const [addr, prefixText, extra] = text.trim().split("/");
  if (extra !== undefined || addr === undefined) return null;
  const raw = addr.includes(":") ? parseIPv6(addr) : parseIPv4(addr);
  if (!raw) return null;
  const bits = raw.length * 8;
  let prefix = bits;
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return null;
    prefix = Number(prefixText);
    if (prefix > bits) return null;
  }
  // ::ffff:0:0/96 and longer are IPv4 blocks in disguise: match them as IPv4.
  const bytes = unmapIPv4(raw);
  if (bytes.length === 4 && raw.length === 16) prefix = Math.max(0, prefix - 96);
  return { bytes, prefix };
}

export function isValidCidr(text: string): boolean {
  return parseCidr(text) !== null;
}

function inBlock(ip: Uint8Array, block: Block): boolean {
  if (ip.length !== block.bytes.length) return false;
  const full = block.prefix >> 3;
  for (let i = 0; i < full; i++) if (ip[i] !== block.bytes[i]) return false;
  const rest = block.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (ip[full]! & mask) === (block.bytes[full]! & mask);
}

/** True when `ip` falls inside any of `cidrs`. An unparsable ip never matches. */
export function ipAllowed(ip: string, cidrs: readonly string[]): boolean {
  const addr = parseIp(ip);
  if (!addr) return false;
  return cidrs.some((c) => {
    const block = parseCidr(c);
    return block !== null && inBlock(addr, block);
  });
}
