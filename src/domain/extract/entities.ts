// Names and addresses in the message: the affected system's name, domains, URLs and public IPs. Whether a
// token is a domain or a public address is the validators' decision, so the pre-filled answers are exactly
// what the domain and IP questions would have accepted.

import { extractDomains, parsePublicIps } from "../validators/index.ts";
import { evidence, type Folded } from "./folded.ts";
import type { Evidence } from "./types.ts";

export interface Found<V> {
  value: V;
  evidence: Evidence;
}

const URL = /\b(?:https?|ftp):\/\/[^\s<>"'`«»“”()]+/giu;

export function findUrls(text: Folded): Found<string>[] {
  const out: Found<string>[] = [];
  for (const m of text.original.matchAll(URL)) {
    const url = m[0].replace(/[.,;:!?]+$/u, "");
    if (!out.some((f) => f.value === url))
      out.push({ value: url, evidence: evidence(text, m.index, m.index + url.length) });
  }
  return out;
}

export function findDomains(text: Folded): Found<string>[] {
  const lower = text.original.toLowerCase();
  return extractDomains(text.original).map((domain) => {
    const at = lower.indexOf(domain.toLowerCase());
    const start = Math.max(0, at);
    return { value: domain, evidence: evidence(text, start, at < 0 ? start : start + domain.length) };
  });
}

// Candidates only; the validator decides. IPv6 needs at least two colons, so times ("22:00") never qualify.
const IPV4 = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?(?![\d.]*\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])/gi;

export function findPublicIps(text: Folded): Found<string>[] {
  const out: Found<string>[] = [];
  for (const re of [IPV4, IPV6]) {
    for (const m of text.original.matchAll(re)) {
      const parsed = parsePublicIps(m[0]);
      const ip = parsed.ok ? parsed.value[0] : undefined;
      if (ip !== undefined && !out.some((f) => f.value === ip)) {
        out.push({ value: ip, evidence: evidence(text, m.index, m.index + m[0].length) });
      }
    }
  }
  return out.sort((a, b) => a.evidence.start - b.evidence.start);
}

// ── the affected system ─────────────────────────────────────────────────────────────────────────────────

// What names a system in these reports, folded. A head alone ("hệ thống", "trang web") names nothing: at
// least one more word must follow, unless the head is already specific ("cổng dịch vụ công").
const HEADS = [
  "cong thong tin dien tu",
  "cong thong tin",
  "cong dich vu cong",
  "trang thong tin dien tu",
  "trang dien tu",
  "trang web",
  "trang chu",
  "website",
  "web",
  "he thong",
  "phan mem",
  "ung dung",
  "co so du lieu",
  "may chu",
  "hop thu",
  "thu dien tu",
  "mang noi bo",
];
const SELF_SUFFICIENT = new Set(["cong thong tin dien tu", "cong dich vu cong", "trang thong tin dien tu"]);

// Words after which the name has ended: verbs, negations, linking words, time words.
const STOP_WORDS = new Set(
  (
    "bi dang da khong ko k chua vua co luc tu khi thi la va nhung hien nen vi do ma roi sau truoc cua " +
    "sang trua chieu toi dem hom nay qua ngay thuoc tren duoi o tai voi de cho duoc van cung nua " +
    "hoan het tat ca bat thuong luon ngung tam thoi nghi xuat hien thi gui nhan " +
    "phat tan lay nhiem hoa sap treo loi chay mat khoang gan truy rat cham doc gia lua canh diet hong " +
    "http https www " +
    "hacked by is was has have been are were the and from since for of with in"
  ).split(" "),
);
// Folded stop words that are also parts of names ("văn bản", "cơ sở", "tư pháp", "tài chính"): typed with
// diacritics, they end a name only in these spellings.
const STOP_SPELLINGS: Record<string, readonly string[]> = {
  van: ["vẫn"],
  co: ["có"],
  do: ["do", "đó"],
  la: ["là", "lạ"],
  ma: ["mà", "mã"],
  dang: ["đang"],
  tu: ["từ", "tự"],
  mat: ["mất"],
  gia: ["giả"],
  doc: ["độc"],
  o: ["ở"],
  thi: ["thì"],
  toi: ["tối", "tôi", "tới"],
  nay: ["này", "nãy"],
  sang: ["sáng", "sang"],
  hien: ["hiện"],
  tai: ["tại"],
  nhan: ["nhận"],
  chay: ["chạy", "cháy"],
  tat: ["tắt", "tất"],
  qua: ["qua", "quá"],
  de: ["để"],
  voi: ["với"],
  loi: ["lỗi"],
  cung: ["cũng"],
  phat: ["phát"],
  truy: ["truy"],
  sau: ["sau"],
  hoa: ["hóa", "hoá"],
  gan: ["gần"],
  lua: ["lừa"],
  nghi: ["nghi", "nghỉ"],
  cua: ["của"],
  hong: ["hỏng"],
};

// Unaccented, "van ban" is "văn bản" and not "vẫn …": these pairs continue a name.
const NAME_PAIRS = new Set(["van ban", "co so", "tu phap", "tai chinh", "mot cua", "cong vu", "tai nguyen"]);

function endsName(text: Folded, start: number, word: string, next: string | undefined): boolean {
  if (!STOP_WORDS.has(word) || NAME_PAIRS.has(`${word} ${next}`)) return false;
  const spellings = STOP_SPELLINGS[word];
  const typed = text.original.slice(start, start + word.length).toLowerCase();
  // Typed without diacritics, the word is read as the common stop word.
  return spellings === undefined || typed === word || spellings.includes(typed);
}
const MAX_NAME_WORDS = 8;
const GENERIC_TAILS = new Set(["nay", "do", "kia", "minh", "chung", "em", "toi", "anh", "chi"]);

// "the portal", "our website" name it; "the server", "the system" need a word saying which.
const EN_SYSTEM =
  /\b(?:the|our)\s+((?:[a-z][a-z-]*\s+){0,4}?(?:portal|website|web site)|(?:[a-z][a-z-]*\s+){1,4}?(?:system|server|platform|application|database))\b/gi;

export function findSystemName(text: Folded): Found<string> | null {
  const candidates: Found<string>[] = [];
  const words = [...text.folded.matchAll(/[a-z0-9]+(?:[.-][a-z0-9]+)*/g)];
  for (let i = 0; i < words.length; i++) {
    for (const head of HEADS) {
      const parts = head.split(" ");
      if (!parts.every((p, k) => words[i + k]?.[0] === p)) continue;
      let end = i + parts.length;
      const tail: string[] = [];
      while (end < words.length && tail.length < MAX_NAME_WORDS) {
        const w = words[end];
        const previous = words[end - 1];
        if (!w || !previous) break;
        const gap = text.folded.slice(previous.index + previous[0].length, w.index);
        // A name runs over spaces only (and the dash of "Cổng thông tin – laichau.gov.vn" ends it).
        if (
          !/^ +$/.test(gap) ||
          endsName(text, w.index, w[0], words[end + 1]?.[0]) ||
          /^\d+$/.test(w[0]) ||
          /\./.test(w[0])
        )
          break;
        tail.push(w[0]);
        end++;
      }
      while (tail.length > 0 && GENERIC_TAILS.has(tail.at(-1) ?? "")) {
        tail.pop();
        end--;
      }
      if (tail.length === 0 && !SELF_SUFFICIENT.has(head)) break;
      const first = words[i];
      const last = words[end - 1];
      if (!first || !last) break;
      const ev = evidence(text, first.index, last.index + last[0].length);
      candidates.push({ value: ev.text, evidence: ev });
      i = end - 1;
      break;
    }
    if (candidates.length > 0) break;
  }
  for (const m of text.original.matchAll(EN_SYSTEM)) {
    const name = m[1] ?? "";
    const start = m.index + m[0].length - name.length;
    candidates.push({ value: name, evidence: evidence(text, start, start + name.length) });
  }
  candidates.sort((a, b) => a.evidence.start - b.evidence.start);
  return candidates[0] ?? null;
}
