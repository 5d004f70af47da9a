import { domainToASCII, domainToUnicode } from "node:url";
import ipaddr from "ipaddr.js";
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { z } from "zod";
import type { Reason } from "./severity-input.ts";
import { foldDiacritics, stripInvisibleControls } from "./text.ts";

/** Outcome of a validator: the parsed value (maybe with non-blocking warnings) or one reason to ask again. */
export type ValidationResult<T> = { ok: true; value: T; warnings?: Reason[] } | { ok: false; error: Reason };

function ok<T>(value: T, warnings: Reason[] = []): ValidationResult<T> {
  return warnings.length > 0 ? { ok: true, value, warnings } : { ok: true, value };
}

function fail<T>(key: string, params?: Reason["params"]): ValidationResult<T> {
  return params ? { ok: false, error: { key, params } } : { ok: false, error: { key } };
}

const REQUIRED = "validation:required";

// Inputs come from chat messages; anything far longer than a sane answer is rejected before any regex
// runs, so a pasted log file cannot make the bot spin.
const MAX_SHORT_INPUT = 200;
const MAX_LIST_INPUT = 20_000;

// ---------------------------------------------------------------------------------------------------------
// Detection time
// ---------------------------------------------------------------------------------------------------------

// Asia/Ho_Chi_Minh has been UTC+7 without DST since 1975, so a fixed offset is exact and avoids depending on
// the ICU time-zone data of the host.
const VN_OFFSET_MS = 7 * 60 * 60_000;
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localDateOf(instant: Date): LocalDate & { h: number; min: number } {
  const t = new Date(instant.getTime() + VN_OFFSET_MS);
  return {
    y: t.getUTCFullYear(),
    m: t.getUTCMonth() + 1,
    d: t.getUTCDate(),
    h: t.getUTCHours(),
    min: t.getUTCMinutes(),
  };
}

function localToInstant(date: LocalDate, h: number, min: number, sec: number): Date {
  return new Date(Date.UTC(date.y, date.m - 1, date.d, h, min, sec) - VN_OFFSET_MS);
}

function addDays(date: LocalDate, days: number): LocalDate {
  const t = new Date(Date.UTC(date.y, date.m - 1, date.d + days));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function isRealDate(date: LocalDate): boolean {
  if (date.m < 1 || date.m > 12 || date.d < 1) return false;
  return date.d <= new Date(Date.UTC(date.y, date.m, 0)).getUTCDate();
}

const pad2 = (n: number): string => String(n).padStart(2, "0");

function formatLocalDate(date: LocalDate): string {
  return `${pad2(date.d)}/${pad2(date.m)}/${date.y}`;
}

/** Formats an instant as Vietnamese wall-clock time, `dd/mm/yyyy hh:mm` (UTC+7), as Mẫu 03 writes it. */
export function formatVnDateTime(instant: Date): string {
  const p = localDateOf(instant);
  return `${formatLocalDate(p)} ${pad2(p.h)}:${pad2(p.min)}`;
}

function oneYearBefore(now: Date): Date {
  const p = localDateOf(now);
  const shifted = Date.UTC(p.y - 1, p.m - 1, p.d, p.h, p.min) - VN_OFFSET_MS;
  // Keep seconds and milliseconds of `now` so the boundary is exactly one calendar year.
  return new Date(shifted + (now.getTime() % 60_000));
}

const NOW_PHRASES = new Set([
  "bay gio",
  "ngay bay gio",
  "ngay luc nay",
  "luc nay",
  "vua xong",
  "vua moi",
  "hien tai",
  "now",
  "right now",
  "just now",
]);

// Words people wrap around a date or time that carry no information ("lúc 8h", "vào ngày 20/11", "khoảng 9h").
const TIME_FILLERS = new Set([
  "luc",
  "vao",
  "ngay",
  "khoang",
  "tam",
  "chung",
  "hom",
  "buoi",
  "at",
  "on",
  "about",
  "around",
  "approx",
  "the",
]);

type Period = "sang" | "trua" | "chieu" | "toi" | "dem" | "am" | "pm";
const PERIODS = new Set<string>(["sang", "trua", "chieu", "toi", "dem", "am", "pm"]);

const DAY_WORDS: Record<string, number> = {
  "hom nay": 0,
  nay: 0,
  today: 0,
  "hom qua": -1,
  qua: -1,
  yesterday: -1,
  "hom kia": -2,
};

interface ParsedTime {
  h: number;
  min: number;
  sec: number;
  text: string;
}

/** Applies a Vietnamese day-period word ("8h tối" = 20:00) to a 12- or 24-hour clock hour. */
function applyPeriod(h: number, period: Period | undefined): number | null {
  if (period === undefined) return h;
  switch (period) {
    case "sang":
    case "am":
      if (h > 12) return null;
      return h === 12 ? 0 : h;
    case "trua":
      // "12h trưa" is noon, "1h trưa" is 13:00; "11h trưa" stays 11:00.
      if (h >= 11) return h;
      return h <= 2 ? h + 12 : null;
    case "chieu":
    case "toi":
    case "pm":
      return h < 12 ? h + 12 : h;
    case "dem":
      // "11h đêm" is 23:00 but "2h đêm" is 02:00.
      if (h === 12) return 0;
      return h >= 6 && h < 12 ? h + 12 : h;
  }
}

/** Removes the first match of `re` from `state.rest` and returns it. */
function take(state: { rest: string }, re: RegExp): RegExpExecArray | null {
  const m = re.exec(state.rest);
  if (m) state.rest = `${state.rest.slice(0, m.index)} ${state.rest.slice(m.index + m[0].length)}`;
  return m;
}

const RE_ISO_DATE = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/;
const RE_DMY = /(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})(?!\d)/;
const RE_WORDY_DATE = /(?<!\d)(\d{1,2})\s*thang\s*(\d{1,2})(?:\s*,?\s*(?:nam\s*)?(\d{4}))?(?!\d)/;
// Without a year only "/" is accepted: "8.30" is far more likely a time typed with a dot than 8 March... 30th.
const RE_DM = /(?<!\d)(\d{1,2})\/(\d{1,2})(?![\d/])/;
const RE_COLON_TIME = /(?<!\d)(\d{1,2}):(\d{2})(?::(\d{2}))?(?!\d)/;
const RE_HOUR_TIME =
  /(?<!\d)(\d{1,2})\s*(?:gio|h|g)(?:\s*(ruoi)|\s*(\d{1,2})(?:\s*(?:phut|p)(?![a-z]))?)?(?![a-z\d])/;
const RE_AMPM_TIME = /(?<!\d)(\d{1,2})\s*(am|pm)(?![a-z])/;
// "8.30" only once dates are gone, so "20.11.2026" is never read as a time.
const RE_DOT_TIME = /(?<![\d.])(\d{1,2})\.(\d{2})(?![\d.])/;
const TIME_PATTERNS = [RE_COLON_TIME, RE_HOUR_TIME, RE_AMPM_TIME, RE_DOT_TIME];
const DAY_PATTERNS = ["hom nay", "hom qua", "hom kia", "today", "yesterday", "nay", "qua"].map(
  (phrase) => [phrase, new RegExp(`(?<![a-z])${phrase}(?![a-z])`)] as const,
);

/**
 * Parses when an incident was detected (Mẫu 03 fields E1 + E2) into a UTC instant; Vietnamese wall time.
 * `now` is the current instant, passed in so the result is reproducible.
 */
export function parseDetectionTime(input: string, now: Date): ValidationResult<Date> {
  const example = formatVnDateTime(now);
  const folded = foldDiacritics(input)
    .replace(/^["'«“(]+|["'»”)!?.,;]+$/g, "")
    .trim();
  if (folded === "") return fail(REQUIRED);
  if (folded.length > MAX_SHORT_INPUT) return fail("validation:date.format", { example });
  if (NOW_PHRASES.has(folded)) return ok(new Date(now.getTime()));

  // ISO "2026-11-20t14:30" (folding lowercased the T).
  const state = { rest: ` ${folded.replace(/(\d)t(\d)/g, "$1 $2")} ` };
  const today = localDateOf(now);

  let date: LocalDate | undefined;
  let dateHasYear = true;
  let dateText = "";
  for (const re of [RE_ISO_DATE, RE_DMY, RE_WORDY_DATE, RE_DM]) {
    const m = take(state, re);
    if (!m) continue;
    if (date) return fail("validation:date.format", { example });
    dateText = m[0].trim();
    if (re === RE_ISO_DATE) {
      date = { y: Number(m[1]), m: Number(m[2]), d: Number(m[3]) };
    } else if (re === RE_DMY) {
      const yText = m[4] ?? "";
      date = {
        y: yText.length === 2 ? 2000 + Number(yText) : Number(yText),
        m: Number(m[3]),
        d: Number(m[1]),
      };
    } else {
      const yText = re === RE_WORDY_DATE ? m[3] : undefined;
      dateHasYear = yText !== undefined;
      date = { y: yText !== undefined ? Number(yText) : today.y, m: Number(m[2]), d: Number(m[1]) };
    }
  }
  // A second date of any shape means the message is not one instant.
  if (date && [RE_ISO_DATE, RE_DMY, RE_WORDY_DATE, RE_DM].some((re) => re.test(state.rest))) {
    return fail("validation:date.format", { example });
  }

  let time: ParsedTime | undefined;
  let period: Period | undefined;
  const colon = take(state, RE_COLON_TIME) ?? take(state, RE_DOT_TIME);
  const hourMatch = colon ? null : take(state, RE_HOUR_TIME);
  const ampm = colon || hourMatch ? null : take(state, RE_AMPM_TIME);
  if (colon) {
    time = { h: Number(colon[1]), min: Number(colon[2]), sec: Number(colon[3] ?? 0), text: colon[0].trim() };
  } else if (hourMatch) {
    const min = hourMatch[2] ? 30 : Number(hourMatch[3] ?? 0);
    time = { h: Number(hourMatch[1]), min, sec: 0, text: hourMatch[0].trim() };
  } else if (ampm) {
    time = { h: Number(ampm[1]), min: 0, sec: 0, text: ampm[0].trim() };
    period = ampm[2] as Period;
  }
  if (TIME_PATTERNS.some((re) => re.test(state.rest))) {
    return fail("validation:date.format", { example });
  }

  let dayOffset: number | undefined;
  for (const [phrase, re] of DAY_PATTERNS) {
    while (take(state, re)) {
      const offset = DAY_WORDS[phrase];
      if (dayOffset !== undefined && dayOffset !== offset) return fail("validation:date.format", { example });
      dayOffset = offset;
    }
  }

  for (const token of state.rest.split(/[\s,;()\-–]+/)) {
    if (token === "" || TIME_FILLERS.has(token)) continue;
    if (PERIODS.has(token)) {
      if (period !== undefined && period !== token) return fail("validation:date.format", { example });
      period = token as Period;
      continue;
    }
    return fail("validation:date.format", { example });
  }

  if (!date && dayOffset === undefined && !time) return fail("validation:date.format", { example });
  if (date && dayOffset !== undefined) return fail("validation:date.format", { example });

  if (date && !isRealDate(date)) return fail("validation:date.invalid", { value: dateText, example });
  const day = date ?? addDays(today, dayOffset ?? 0);
  if (!time) {
    // Mẫu 03 asks for hour and minute (E2); guessing one would put a false time on an official report.
    return fail("validation:date.timeMissing", { example: `${formatLocalDate(day)} 08:30` });
  }

  const hour = time.h <= 23 ? applyPeriod(time.h, period) : null;
  if (hour === null || hour > 23 || time.min > 59 || time.sec > 59) {
    return fail("validation:date.invalidTime", { value: time.text, example });
  }

  // "2h đêm qua" is the small hours after yesterday evening, i.e. today's date.
  let resolvedDay = day;
  if (!date && dayOffset === -1 && period === "dem" && hour < 6) resolvedDay = addDays(day, 1);

  let instant = localToInstant(resolvedDay, hour, time.min, time.sec);
  const tooLate = (t: Date) => t.getTime() - now.getTime() > FUTURE_TOLERANCE_MS;

  // "25/12" typed in early January can only mean last December.
  if (tooLate(instant) && date && !dateHasYear) {
    instant = localToInstant({ ...resolvedDay, y: resolvedDay.y - 1 }, hour, time.min, time.sec);
  }
  if (tooLate(instant)) {
    // A bare "23:40" sent at 00:10 most likely means last night. It is not silently moved (a wrong day on
    // an official report is worse than one more question); the example offers yesterday's date instead.
    const bareTime = !date && dayOffset === undefined;
    const suggestion = bareTime ? formatVnDateTime(new Date(instant.getTime() - DAY_MS)) : example;
    return fail("validation:date.future", { example: suggestion });
  }
  const earliest = oneYearBefore(now);
  if (instant.getTime() < earliest.getTime()) {
    return fail("validation:date.tooOld", { min: formatVnDateTime(earliest), example });
  }
  return ok(instant);
}

// ---------------------------------------------------------------------------------------------------------
// Lists (IPs, domains, phones, e-mails)
// ---------------------------------------------------------------------------------------------------------

// Connectives people type between items: "1.2.3.4 và 5.6.7.8", "a.gov.vn hoặc b.gov.vn".
const LIST_CONNECTIVES = new Set(["và", "va", "hoặc", "hoac", "and", "or", "&"]);

function splitList(input: string): string[] {
  return input
    .split(/[\s,;]+/u)
    .map((t) => t.replace(/^["'«“(<]+|["'»”)>.!?]+$/gu, ""))
    .filter((t) => t !== "" && !LIST_CONNECTIVES.has(t.toLowerCase()));
}

function dedupe<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

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

// ---------------------------------------------------------------------------------------------------------
// Phone numbers
// ---------------------------------------------------------------------------------------------------------

/** A phone number in E.164 for storage and in national format for display. */
export interface PhoneNumber {
  e164: string;
  display: string;
}

/** Parses one phone number, Vietnamese by default (mobile, landline, 1800/1900 hotline, or +country). */
export function parseVietnamesePhone(input: string): ValidationResult<PhoneNumber> {
  const text = input.trim();
  if (text === "") return fail(REQUIRED);
  // libphonenumber would happily dig a number out of a sentence; the reporter's answer must be the number.
  if (text.length > 40 || !/^\+?[\d\s().-]+$/.test(text))
    return fail("validation:phone.invalid", { value: text });
  const phone = parsePhoneNumberFromString(text, "VN");
  if (!phone?.isValid()) return fail("validation:phone.invalid", { value: text });
  const display = phone.countryCallingCode === "84" ? phone.formatNational() : phone.formatInternational();
  return ok({ e164: phone.number, display });
}

/** Parses several phone numbers separated by commas, semicolons, new lines, "/" or "hoặc". */
export function parsePhoneList(input: string): ValidationResult<PhoneNumber[]> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:phone.invalid", { value: input.slice(0, 40) });
  const chunks = input
    .split(/[,;\n/]|\s+(?:hoặc|hoac|or|và|va|and)\s+/iu)
    .map((c) => c.trim())
    .filter((c) => c !== "");
  const phones: PhoneNumber[] = [];
  for (const chunk of chunks) {
    const single = parseVietnamesePhone(chunk);
    if (single.ok) {
      phones.push(single.value);
      continue;
    }
    // "0912345678 0987654321": spaces also group digits, so only split on them when each part is a number.
    const parts = chunk.split(/\s+/).map(parseVietnamesePhone);
    if (parts.length < 2 || !parts.every((p) => p.ok)) return single;
    for (const p of parts) if (p.ok) phones.push(p.value);
  }
  if (phones.length === 0) return fail(REQUIRED);
  return ok(dedupe(phones, (p) => p.e164));
}

// ---------------------------------------------------------------------------------------------------------
// E-mail
// ---------------------------------------------------------------------------------------------------------

const emailSchema = z.email();

/** Parses one e-mail address; the domain is lowercased (the local part is left as typed). */
export function parseEmail(input: string): ValidationResult<string> {
  const text = input
    .trim()
    .replace(/^mailto:/i, "")
    .replace(/^<(.*)>$/, "$1");
  if (text === "") return fail(REQUIRED);
  const at = text.lastIndexOf("@");
  if (text.length > 254 || at <= 0) return fail("validation:email.invalid", { value: text.slice(0, 254) });
  const local = text.slice(0, at);
  // Government mail may sit on an IDN domain; zod checks the ASCII form, the Unicode form is kept.
  const ascii = domainToASCII(text.slice(at + 1).toLowerCase());
  if (ascii === "" || !emailSchema.safeParse(`${local}@${ascii}`).success) {
    return fail("validation:email.invalid", { value: text });
  }
  return ok(`${local}@${domainToUnicode(ascii)}`);
}

/** Parses several e-mail addresses separated by commas, semicolons, spaces or "hoặc"/"và". */
export function parseEmailList(input: string): ValidationResult<string[]> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_LIST_INPUT) return fail("validation:email.invalid", { value: input.slice(0, 40) });
  const emails: string[] = [];
  for (const token of splitList(input)) {
    const one = parseEmail(token);
    if (!one.ok) return one;
    emails.push(one.value);
  }
  if (emails.length === 0) return fail(REQUIRED);
  return ok(dedupe(emails, (e) => e.toLowerCase()));
}

// ---------------------------------------------------------------------------------------------------------
// Free text
// ---------------------------------------------------------------------------------------------------------

// C0/C1 controls other than tab and line breaks: invisible in chat, and illegal in the XML of the DOCX report.
const STRAY_CONTROLS = /(?![\t\n\r])\p{Cc}/gu;

/**
 * Trims and length-checks free text, counting code points; strips stray control characters and the
 * bidirectional and zero-width characters that make a name or file name read as another.
 */
export function validateText(
  input: string,
  options: { min?: number; max: number; field?: string },
): ValidationResult<string> {
  const { min = 1, max, field } = options;
  const withField = (params: Record<string, string | number>) => (field ? { ...params, field } : params);
  const text = stripInvisibleControls(input.normalize("NFC").replace(STRAY_CONTROLS, "")).trim();
  // Text of only zero-width or other invisible characters looks empty to the reporter too.
  if (text.replace(/[\p{C}\s]/gu, "") === "") return fail(REQUIRED, field ? { field } : undefined);
  const length = [...text].length;
  if (length < min) return fail("validation:text.tooShort", withField({ min, length }));
  if (length > max) return fail("validation:text.tooLong", withField({ max, length }));
  return ok(text);
}

// ---------------------------------------------------------------------------------------------------------
// Counts (affected machines, records, people)
// ---------------------------------------------------------------------------------------------------------

const UNKNOWN_ANSWERS = new Set([
  "khong ro",
  "khong biet",
  "chua ro",
  "chua biet",
  "chua xac dinh",
  "khong xac dinh",
  "ko ro",
  "ko biet",
  "k ro",
  "k biet",
  "kb",
  "unknown",
  "not sure",
  "dont know",
  "don't know",
  "idk",
  "n/a",
  "?",
  "??",
  "???",
]);

const ZERO_ANSWERS = new Set(["khong", "khong co", "ko co", "k co", "chua co", "none", "zero", "no"]);

const APPROX_PREFIX =
  /^(?:khoang|tam|gan|hon|tren|it nhat|toi thieu|chung|xap xi|uoc tinh|uoc|about|around|approximately|approx|over|more than|at least|nearly|almost|~|≈|>=|>)\s*/;
const APPROX_SUFFIX = /\s*(?:\+|tro len|or more)$/;
const UNIT_SUFFIX =
  /\s+(?:may tinh|may chu|may|nguoi|ban ghi|tai khoan|ho so|cong dan|thiet bi|cai|chiec|dong|records?|rows?|users?|machines?|computers?|servers?|accounts?|devices?|people|persons?)$/;

const MULTIPLIERS: Record<string, number> = {
  k: 1_000,
  nghin: 1_000,
  ngan: 1_000,
  thousand: 1_000,
  tr: 1_000_000,
  trieu: 1_000_000,
  m: 1_000_000,
  million: 1_000_000,
  ty: 1_000_000_000,
  ti: 1_000_000_000,
  billion: 1_000_000_000,
};

/** Reads "10.000", "10,000", "10 000", "1,5 nghìn", "10k", "3 triệu" as an integer, or null. */
function parseAmount(text: string): number | null {
  const m = /^(\d[\d., ]*?)\s*(k|nghin|ngan|thousand|tr|trieu|m|million|ty|ti|billion)?$/.exec(text);
  if (!m?.[1]) return null;
  const numberText = m[1].trim();
  const multiplier = m[2] ? (MULTIPLIERS[m[2]] ?? 1) : 1;
  let value: number;
  if (/^\d+$/.test(numberText)) {
    value = Number(numberText);
  } else if (/^\d{1,3}(?:([.,\s])\d{3})(?:\1\d{3})*$/.test(numberText)) {
    // Exactly three digits after each separator: a thousands separator, whichever the reporter's habit
    // (Vietnamese "10.000", English "10,000", or a space).
    value = Number(numberText.replace(/[.,\s]/g, ""));
  } else if (m[2] && /^\d+[.,]\d+$/.test(numberText)) {
    value = Number(numberText.replace(",", "."));
  } else {
    return null;
  }
  const result = Math.round(value * multiplier);
  return Number.isSafeInteger(result) ? result : null;
}

/** Parses a non-negative count, tolerating approximations ("khoảng 200", "10k"); "không rõ" → "unknown". */
export function parseCount(input: string): ValidationResult<number | "unknown"> {
  const raw = input.trim();
  if (raw === "") return fail(REQUIRED);
  if (raw.length > MAX_SHORT_INPUT) return fail("validation:count.invalid", { value: raw.slice(0, 40) });
  let text = foldDiacritics(raw)
    .replace(/\s*(?:a|nhe|nha)$/, "")
    .replace(/[.!]$/, "")
    .trim();
  if (UNKNOWN_ANSWERS.has(text)) return ok("unknown");
  if (ZERO_ANSWERS.has(text)) return ok(0);

  let approximate = false;
  // Qualifiers and units can nest either way round: "khoảng hơn 200 máy", "200 máy trở lên".
  for (;;) {
    const withoutUnit = text.replace(UNIT_SUFFIX, "").trim();
    const bare = withoutUnit.replace(APPROX_PREFIX, "").replace(APPROX_SUFFIX, "").trim();
    if (bare !== withoutUnit) approximate = true;
    if (bare === text) break;
    text = bare;
  }

  let value: number | null;
  const range = /^(.+?)\s*(?:-|–|\bden\b|\btoi\b|\bto\b)\s*(.+)$/.exec(text);
  if (range?.[1] && range[2]) {
    // "200-300 máy": the upper bound, because severity rules must not understate the impact.
    const low = parseAmount(range[1]);
    const high = parseAmount(range[2]);
    value = low !== null && high !== null && low <= high ? high : null;
    approximate = true;
  } else {
    value = parseAmount(text);
  }
  if (value === null) return fail("validation:count.invalid", { value: raw });
  const warnings: Reason[] = approximate ? [{ key: "validation:count.approximate", params: { value } }] : [];
  return ok(value, warnings);
}

// ---------------------------------------------------------------------------------------------------------
// Yes / no / unknown
// ---------------------------------------------------------------------------------------------------------

const YES_ANSWERS = new Set([
  "co",
  "yes",
  "y",
  "u",
  "uh",
  "um",
  "vang",
  "da",
  "da vang",
  "dung",
  "dung roi",
  "phai",
  "roi",
  "da co",
  "co roi",
  "ok",
  "okay",
  "yeah",
  "yep",
  "true",
]);
const NO_ANSWERS = new Set([
  "khong",
  "ko",
  "k",
  "kh",
  "khg",
  "hong",
  "no",
  "n",
  "nope",
  "false",
  "chua",
  "khong co",
  "ko co",
  "k co",
  "chua co",
  "khong phai",
  "da khong",
]);
const YES_NO_UNKNOWN = new Set([
  "khong ro",
  "chua ro",
  "khong biet",
  "chua biet",
  "ko ro",
  "ko biet",
  "k ro",
  "k biet",
  "khong chac",
  "ko chac",
  "chua chac",
  "chua xac dinh",
  "unknown",
  "not sure",
  "dont know",
  "don't know",
  "idk",
  "?",
]);

/** Parses a yes / no / don't-know answer in Vietnamese (with or without diacritics) or English. */
export function parseYesNo(input: string): ValidationResult<"yes" | "no" | "unknown"> {
  if (input.trim() === "") return fail(REQUIRED);
  if (input.length > MAX_SHORT_INPUT) return fail("validation:choice.yesNo");
  // Politeness particles do not change the answer: "dạ có ạ", "không ạ", "có nhé".
  const text = foldDiacritics(input)
    .replace(/[!.,;]+/g, " ")
    .replace(/\s+(?:a|nhe|nha|ban)$/, "")
    .replace(/^da\s+(?=\S)/, "")
    .replace(/\s+/g, " ")
    .trim();
  if (YES_NO_UNKNOWN.has(text)) return ok("unknown");
  if (YES_ANSWERS.has(text)) return ok("yes");
  if (NO_ANSWERS.has(text)) return ok("no");
  return fail("validation:choice.yesNo");
}
