import { domainToASCII, domainToUnicode } from "node:url";
import ipaddr from "ipaddr.js";
import type { Reason } from "../severity-input.ts";
import { dedupe, splitList } from "./lists.ts";
import { fail, MAX_LIST_INPUT, ok, REQUIRED, type ValidationResult } from "./result.ts";

// ---------------------------------------------------------------------------------------------------------
// Public IP addresses (Mẫu 03 field I4)
// ---------------------------------------------------------------------------------------------------------

type Cidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

const cidr = (text: string): Cidr => ipaddr.parseCIDR(text);

// Everything an internet user cannot reach: RFC 1918, CGNAT, loopback, link-local, multicast, documentation,
// benchmarking and the reserved blocks. VNCERT needs addresses it can look up in its own sensors and in
// botnet feeds; an internal address there is noise and also discloses the unit's internal layout.
const NON_PUBLIC_V4: Cidr[] = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.0.2.0/24",
  "192.88.99.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "198.51.100.0/24",
  "203.0.113.0/24",
  "224.0.0.0/4",
  "240.0.0.0/4",
].map(cidr);

// Only 2000::/3 is allocated for global unicast; inside it, the documentation, benchmarking and ORCHID
// blocks are never routed. Everything outside (::1, fe80::/10, fc00::/7, ff00::/8, 64:ff9b::/96 …) is not public.
const GLOBAL_UNICAST_V6 = cidr("2000::/3");
const NON_PUBLIC_V6: Cidr[] = [
  "2001:db8::/32",
  "3fff::/20",
  "2001:2::/48",
  "2001:10::/28",
  "2001:20::/28",
].map(cidr);

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a[0].kind() !== b[0].kind()) return false;
  return a[0].match(b) || b[0].match(a);
}

function isPublic(range: Cidr): boolean {
  if (range[0].kind() === "ipv4") return !NON_PUBLIC_V4.some((r) => overlaps(range, r));
  const inGlobal = range[1] >= GLOBAL_UNICAST_V6[1] && range[0].match(GLOBAL_UNICAST_V6);
  return inGlobal && !NON_PUBLIC_V6.some((r) => overlaps(range, r));
}

interface IpToken {
  range: Cidr;
  canonical: string;
  portRemoved: boolean;
}

/** Why an address that parses is still refused before the public/internal check. */
type IpRefusal = { key: string; params: Record<string, string> };

const DOTTED_QUAD_TAIL = /(\d{1,3}(?:\.\d{1,3}){3})$/;

/**
 * An IPv6 address written with a dotted IPv4 tail, as its eight groups. ipaddr.js reads "::8.8.8.8" (the
 * deprecated IPv4-compatible form) as if it were "::ffff:8.8.8.8", so the tail is converted here to hex groups
 * and the prefix read as written.
 */
function ipv6Groups(text: string): number[] | null {
  const tail = DOTTED_QUAD_TAIL.exec(text)?.[1];
  let hexText = text;
  if (tail) {
    if (!ipaddr.IPv4.isValidFourPartDecimal(tail)) return null;
    const [a = 0, b = 0, c = 0, d = 0] = ipaddr.IPv4.parse(tail).octets;
    hexText = `${text.slice(0, -tail.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  return ipaddr.IPv6.isValid(hexText) ? ipaddr.IPv6.parse(hexText).parts : null;
}

const v4FromGroups = (high: number, low: number): ipaddr.IPv4 =>
  new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * The IPv4 address a transition address carries, where the IPv6 address is only a wrapper for it: 6to4
 * (2002::/16, bits 16–47) and Teredo (2001::/32, the client's address inverted in the last 32 bits). A wrapper
 * around an internal address is as unreachable as the internal address itself.
 */
function wrappedIpv4(groups: readonly number[]): { via: string; v4: ipaddr.IPv4 } | null {
  const g = (i: number) => groups[i] ?? 0;
  if (g(0) === 0x2002) return { via: "6to4", v4: v4FromGroups(g(1), g(2)) };
  if (g(0) === 0x2001 && g(1) === 0) return { via: "Teredo", v4: v4FromGroups(g(6) ^ 0xffff, g(7) ^ 0xffff) };
  return null;
}

function parseIpToken(raw: string): IpToken | IpRefusal | null {
  let text = raw;
  let portRemoved = false;
  const bracketed = /^\[([0-9a-f:.]+(?:%[^\]]*)?)\](?::\d{1,5})?$/i.exec(text);
  if (bracketed?.[1]) {
    portRemoved = bracketed[0].includes("]:");
    text = bracketed[1];
  }
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(text);
  if (v4WithPort?.[1]) {
    text = v4WithPort[1];
    portRemoved = true;
  }

  const [addrText = "", prefixText, ...extra] = text.split("/");
  if (extra.length > 0) return null;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return null;
  // A zone id (%eth0) names an interface of the reporter's own machine: meaningless to anyone else.
  if (addrText.includes("%")) return { key: "validation:ip.zone", params: { value: raw } };

  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  let prefix = prefixText === undefined ? undefined : Number(prefixText);
  // The strict four-part check refuses "010.1.1.1" and "3232235777", which inet_aton would read in ways
  // the reporter did not mean.
  if (ipaddr.IPv4.isValidFourPartDecimal(addrText)) addr = ipaddr.IPv4.parse(addrText);
  else if (addrText.includes(":")) {
    const groups = ipv6Groups(addrText);
    if (!groups) return null;
    const zeroHead = groups.slice(0, 5).every((x) => x === 0);
    const embedded = v4FromGroups(groups[6] ?? 0, groups[7] ?? 0);
    if (zeroHead && groups[5] === 0 && DOTTED_QUAD_TAIL.test(addrText)) {
      // "::8.8.8.8": the IPv4-compatible form, deprecated since 2006 and routed nowhere.
      return { key: "validation:ip.ipv4Compatible", params: { value: raw, ipv4: embedded.toString() } };
    }
    if (zeroHead && groups[5] === 0xffff) {
      addr = embedded;
      if (prefix !== undefined) prefix -= 96;
    } else {
      addr = new ipaddr.IPv6(groups);
      const wrapped = wrappedIpv4(groups);
      if (wrapped && !isPublic([wrapped.v4, 32])) {
        return {
          key: "validation:ip.wrapsInternal",
          params: { value: raw, via: wrapped.via, ipv4: wrapped.v4.toString() },
        };
      }
    }
  } else return null;

  const bits = addr.kind() === "ipv4" ? 32 : 128;
  if (prefix !== undefined && (prefix < 0 || prefix > bits)) return null;

  const address = addr.kind() === "ipv4" ? addr.toString() : (addr as ipaddr.IPv6).toRFC5952String();
  return {
    range: [addr, prefix ?? bits],
    canonical: prefix === undefined ? address : `${address}/${prefix}`,
    portRemoved,
  };
}

/** Parses the internet-facing IP addresses of the affected system (Mẫu 03 I4); internal ones are refused. */
export function parsePublicIps(input: string, options: { max?: number } = {}): ValidationResult<string[]> {
  const max = options.max ?? 20;
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:ip.tooMany", { max });

  const parsed: IpToken[] = [];
  for (const token of splitList(input)) {
    const ip = parseIpToken(token);
    if (!ip) return fail("validation:ip.invalid", { value: token });
    if ("key" in ip) return fail(ip.key, ip.params);
    parsed.push(ip);
  }
  if (parsed.length === 0) return fail(REQUIRED);

  const unique = dedupe(parsed, (ip) => ip.canonical);
  const internal = unique.filter((ip) => !isPublic(ip.range)).map((ip) => ip.canonical);
  if (internal.length > 0) return fail("validation:ip.internal", { list: internal.join(", ") });
  if (unique.length > max) return fail("validation:ip.tooMany", { max });

  const warnings: Reason[] = unique.some((ip) => ip.portRemoved)
    ? [{ key: "validation:ip.portRemoved" }]
    : [];
  return ok(
    unique.map((ip) => ip.canonical),
    warnings,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Domain names (Mẫu 03 field I5)
// ---------------------------------------------------------------------------------------------------------

const ASCII_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const ASCII_TLD = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// After IDNA mapping a label may hold letters, combining marks, digits and hyphens only; this keeps out
// emoji and symbols that UTS #46 would otherwise encode.
const UNICODE_LABEL = /^[\p{L}\p{M}\p{N}-]+$/u;

function isIpLiteral(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, "");
  // ipaddr.js answers "not an address" by throwing inside, which costs far more than the check itself; only
  // strings shaped like four dotted numbers or holding a colon can be addresses at all.
  return (
    (/^\d{1,3}(?:\.\d{1,3}){3}$/.test(bare) && ipaddr.IPv4.isValidFourPartDecimal(bare)) ||
    (bare.includes(":") && ipaddr.IPv6.isValid(bare))
  );
}

/** Reduces a URL, e-mail address or host with port to its host name, lowercased. */
function hostOf(token: string): string {
  let host = token.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  host = host.split(/[/?#]/)[0] ?? "";
  host = host.slice(host.lastIndexOf("@") + 1);
  if (!host.startsWith("[")) host = host.replace(/:\d{0,5}$/, "");
  return host.toLowerCase().normalize("NFC").replace(/\.$/, "");
}

type DomainCheck = { ok: true; display: string; ascii: string } | { ok: false; isIp: boolean };

function checkDomain(token: string): DomainCheck {
  const host = hostOf(token);
  if (isIpLiteral(host)) return { ok: false, isIp: true };
  if (host.length === 0 || host.length > 253) return { ok: false, isIp: false };
  const ascii = domainToASCII(host);
  if (ascii === "" || ascii.length > 253) return { ok: false, isIp: false };
  const labels = ascii.split(".");
  const tld = labels[labels.length - 1] ?? "";
  if (labels.length < 2 || !labels.every((l) => ASCII_LABEL.test(l)) || !ASCII_TLD.test(tld)) {
    return { ok: false, isIp: false };
  }
  const display = domainToUnicode(ascii);
  if (!display.split(".").every((l) => UNICODE_LABEL.test(l))) return { ok: false, isIp: false };
  return { ok: true, display, ascii };
}

/** Parses domain names or URLs of the affected system (Mẫu 03 I5); values are Unicode for display. */
export function parseDomains(input: string, options: { max?: number } = {}): ValidationResult<string[]> {
  const max = options.max ?? 20;
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:domain.tooMany", { max });

  const found: { display: string; ascii: string }[] = [];
  for (const token of splitList(input)) {
    const check = checkDomain(token);
    if (!check.ok)
      return fail(check.isIp ? "validation:domain.isIp" : "validation:domain.invalid", { value: token });
    found.push(check);
  }
  if (found.length === 0) return fail(REQUIRED);
  const unique = dedupe(found, (d) => d.ascii);
  if (unique.length > max) return fail("validation:domain.tooMany", { max });
  return ok(unique.map((d) => d.display));
}

// Free text is full of things shaped like "name.ext": file names from ransom notes, "TP.HCM", "v.v.". When
// only guessing for a pre-fill, a top-level domain must be a country code or a common generic one, and must
// not be a common file extension.
const COMMON_GENERIC_TLDS = new Set([
  "com",
  "net",
  "org",
  "gov",
  "edu",
  "int",
  "mil",
  "info",
  "biz",
  "name",
  "pro",
  "asia",
  "mobi",
  "online",
  "site",
  "website",
  "xyz",
  "top",
  "vip",
  "club",
  "shop",
  "store",
  "app",
  "dev",
  "cloud",
  "tech",
  "live",
  "news",
  "link",
  "click",
]);
const FILE_EXTENSIONS = new Set([
  "js",
  "sh",
  "py",
  "ps",
  "md",
  "rs",
  "ts",
  "pl",
  "cs",
  "db",
  "gz",
  "7z",
  "so",
]);

/** Finds domain names mentioned in free text (to pre-fill the domain question), in order, deduplicated. */
export function extractDomains(freeText: string): string[] {
  const text = freeText.slice(0, MAX_LIST_INPUT);
  const candidates =
    text.match(
      /(?<![\p{L}\p{N}@.-])(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+\p{L}{2,63}(?![\p{L}\p{N}@-]|\.[\p{L}\p{N}])/giu,
    ) ?? [];
  const found: { display: string; ascii: string }[] = [];
  for (const candidate of candidates) {
    const check = checkDomain(candidate);
    if (!check.ok) continue;
    const tld = check.ascii.slice(check.ascii.lastIndexOf(".") + 1);
    const plausible = tld.startsWith("xn--") || tld.length === 2 || COMMON_GENERIC_TLDS.has(tld);
    if (plausible && !FILE_EXTENSIONS.has(tld)) found.push(check);
  }
  return dedupe(found, (d) => d.ascii).map((d) => d.display);
}
