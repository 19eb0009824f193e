/**
 * Where a webhook may be delivered (docs/webhooks.md): `https://`, at most 2048 characters, no
 * user info, and no IP address literal of a loopback, private, link-local, unique-local or
 * unspecified range. The host is judged as the WHATWG URL parser leaves it, so the decimal,
 * hexadecimal and short forms of an IPv4 address (`http://2130706433/`, `0x7f.1`) and IPv4
 * addresses mapped into IPv6 are judged as the address they are. The same rules run at create,
 * at PATCH and before every delivery. `allowLoopback` (WEBHOOK_ALLOW_LOOPBACK, local use only)
 * lets `http://127.0.0.1:<port>` and `http://localhost:<port>` through, and nothing else.
 */

export const MAX_WEBHOOK_URL_LENGTH = 2048;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** The IPv4 ranges no delivery may reach, as [first octets, prefix length]. */
const FORBIDDEN_V4: [number, number][] = [
  [0x00000000, 8], // 0.0.0.0/8, 0.0.0.0 among them
  [0x0a000000, 8], // 10/8
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local
  [0xac100000, 12], // 172.16/12
  [0xc0a80000, 16], // 192.168/16
];

const v4Number = (host: string): number | undefined => {
  const match = IPV4.exec(host);
  if (!match) return undefined;
  return match.slice(1).reduce((n, octet) => n * 256 + Number(octet), 0);
};

const forbiddenV4 = (address: number) =>
  FORBIDDEN_V4.some(([base, bits]) => Math.floor(address / 2 ** (32 - bits)) === Math.floor(base / 2 ** (32 - bits)));

/** The eight 16-bit groups of an IPv6 literal as the URL parser prints it (compressed, lower case, no embedded IPv4). */
function v6Groups(literal: string): number[] | undefined {
  const [head = "", tail] = literal.split("::");
  const part = (text: string) => (text === "" ? [] : text.split(":").map((group) => Number.parseInt(group, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

function forbiddenV6(groups: number[]): boolean {
  const [first = 0, , , , , sixth = 0, seventh = 0, eighth = 0] = groups;
  const zeroesBefore = (n: number) => groups.slice(0, n).every((g) => g === 0);
  if (zeroesBefore(7) && (eighth === 0 || eighth === 1)) return true; // :: and ::1
  // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d): the IPv4 address they carry.
  if (zeroesBefore(5) && (sixth === 0xffff || sixth === 0)) return forbiddenV4(seventh * 65536 + eighth);
  if ((first & 0xffc0) === 0xfe80) return true; // link-local fe80::/10
  if ((first & 0xfe00) === 0xfc00) return true; // unique-local fc00::/7
  return false;
}

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost"]);

/** Why `text` may not be a webhook's URL, or null when it may. */
export function webhookUrlProblem(text: string, allowLoopback = false): string | null {
  if (text.length > MAX_WEBHOOK_URL_LENGTH) return `url is at most ${MAX_WEBHOOK_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return "url must be an absolute URL";
  }
  if (url.username !== "" || url.password !== "") return "url must not carry user info";
  if (allowLoopback && url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname) && url.port !== "") return null;
  if (url.protocol !== "https:") return "url must be https://";
  const host = url.hostname;
  // Not an address literal, but a name every resolver answers with the loopback.
  if (host === "localhost" || host.endsWith(".localhost")) return "url must not name localhost";
  const v4 = v4Number(host);
  if (v4 !== undefined && forbiddenV4(v4)) return "url must not name a loopback, private, link-local or unspecified IPv4 address";
  if (host.startsWith("[")) {
    const groups = v6Groups(host.slice(1, -1));
    if (groups === undefined || forbiddenV6(groups)) {
      return "url must not name a loopback, private, link-local, unique-local or unspecified IPv6 address";
    }
  }
  return null;
}
