import { describe, expect, it } from "vitest";
import { REPORT_QUESTIONS } from "../../flows/report.ts";
import {
  ADVICE_KEYS,
  ADVICE_TITLE_KEY,
  adviceFor,
  answersFromFacts,
  CALL_HOTLINE_KEY,
  extractFacts,
  FACT_FIELDS,
  type Fact,
} from "../../src/domain/extract/index.ts";
import { INCIDENT_TYPES } from "../../src/domain/incident-types.ts";
import { foldDiacritics } from "../../src/domain/text.ts";
import { createTranslator } from "../../src/i18n.ts";
import { asExpected, CASES, comparable, NOW } from "./extract-cases.ts";

const at = (iso: string) => new Date(iso);

describe("facts read from the first message: the table", () => {
  it("holds at least 60 messages: with and without diacritics, English, and some that state nothing", () => {
    const accented = CASES.filter(
      (c) => foldDiacritics(c.text) !== c.text.toLowerCase().replace(/\s+/g, " ").trim(),
    );
    const english = CASES.filter((c) => /\b(the|our|was|is|and)\b/i.test(c.text));
    const empty = CASES.filter((c) => Object.keys(c.facts).length === 0);
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(accented.length).toBeGreaterThanOrEqual(20);
    expect(CASES.length - accented.length).toBeGreaterThanOrEqual(10);
    expect(english.length).toBeGreaterThanOrEqual(8);
    expect(empty.length).toBeGreaterThanOrEqual(5);
  });

  it.each(CASES.map((c, i) => [i, c.text.slice(0, 60), c] as const))("#%i %s", (_i, _label, c) => {
    const expected = comparable(c.facts);
    const actual = comparable(asExpected(extractFacts(c.text, NOW)));
    const misses = new Set<string>(c.misses ?? []);
    const fields = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const field of fields) {
      if (misses.has(field)) continue;
      expect(actual[field], field).toEqual(expected[field]);
    }
    // A listed miss that has been fixed must leave the list, so the list (and the bench) stays true.
    for (const field of misses)
      expect(actual[field], `${field} is listed as a miss`).not.toEqual(expected[field]);
  });
});

describe("facts read from the first message: rules", () => {
  it("quotes, for every fact, the words of the message it came from", () => {
    for (const c of CASES) {
      const nfc = c.text.normalize("NFC");
      for (const f of extractFacts(c.text, NOW)) {
        expect(f.evidence.text).toBe(nfc.slice(f.evidence.start, f.evidence.end));
        expect(f.evidence.text.trim(), `${f.field} in ${c.text}`).not.toBe("");
      }
    }
  });

  it("reads a time that would be in the future as no time at all", () => {
    // 10:00 in Vietnam: "22:00 tonight" and "11pm" have not happened yet.
    for (const text of ["web bị sập lúc 22:00 tối nay", "site down at 11pm", "phat hien luc 23h"]) {
      expect(
        extractFacts(text, NOW).filter((f) => f.field === "detectedAt"),
        text,
      ).toEqual([]);
    }
    expect(
      extractFacts("web bị sập lúc 22:00 tối qua", NOW).find((f) => f.field === "detectedAt")?.value,
    ).toBe("2026-11-27T15:00:00.000Z");
  });

  it("reads the same time with and without diacritics, in the small hours and across midnight", () => {
    const time = (text: string, now = NOW) =>
      extractFacts(text, now).find((f) => f.field === "detectedAt")?.value;
    expect(time("sáng nay 8h bị tấn công")).toBe(time("sang nay 8h bi tan cong"));
    expect(time("sang nay 8h bi tan cong")).toBe("2026-11-28T01:00:00.000Z");
    // 00:20 on the 28th: "an hour ago" is 23:20 on the 27th.
    expect(time("noticed an hour ago", at("2026-11-27T17:20:00Z"))).toBe("2026-11-27T16:20:00.000Z");
    expect(time("khoảng 2 tiếng trước")).toBe("2026-11-28T01:00:00.000Z");
    expect(time("mất 2 tiếng mới khôi phục")).toBeUndefined();
    expect(time("mất 2h mới khôi phục được web")).toBeUndefined();
    expect(time("đã khắc phục lúc 9h")).toBeUndefined();
  });

  it("takes the latest statement of the status as the present one, and a denied fix as ongoing", () => {
    const status = (text: string) => extractFacts(text, NOW).find((f) => f.field === "status")?.value;
    expect(status("Đã cô lập máy lúc 9h nhưng mã độc vẫn đang lây lan")).toBe("ongoing");
    expect(status("sự cố đang diễn ra từ 8h, đến 9h30 đã khắc phục xong")).toBe("resolved");
    expect(status("the attack is ongoing, we have blocked the source")).toBe("contained");
    expect(status("not resolved yet")).toBe("ongoing");
    expect(status("web bị sập")).toBeUndefined();
  });

  it("counts machines in digits and in words, but not a place name that folds to a number", () => {
    const machines = (text: string) => extractFacts(text, NOW).find((f) => f.field === "machines")?.value;
    expect(machines("ba máy tính bị nhiễm")).toBe(3);
    expect(machines("ba may tinh bi nhiem")).toBe(3);
    expect(machines("12 PCs and 2 servers encrypted")).toBe(14);
    expect(machines("Sở TT&TT Quảng Nam máy chủ bị tấn công")).toBeUndefined();
    expect(machines("2 máy in bị lỗi")).toBeUndefined();
  });

  it("reads denied data exposure as none, and a denied outage as no outage", () => {
    const value = (text: string, field: string) =>
      extractFacts(text, NOW).find((f) => f.field === field)?.value;
    expect(value("dữ liệu không bị lộ, hệ thống không bị gián đoạn", "dataExposed")).toBe("none");
    expect(value("dữ liệu không bị lộ, hệ thống không bị gián đoạn", "serviceDisrupted")).toBe("no");
    expect(value("chưa phát hiện lộ dữ liệu", "dataExposed")).toBe("none");
    expect(value("the system is not down, just slow", "serviceDisrupted")).toBe("no");
    expect(value("du lieu ca nhan bi lo", "dataExposed")).toBe("personal");
  });

  it("keeps private addresses out of the facts", () => {
    const ips = extractFacts("máy 192.168.1.5 và 10.0.0.8 kết nối tới 8.8.8.8 và 172.16.4.4", NOW)
      .filter((f) => f.field === "ip")
      .map((f) => f.value);
    expect(ips).toEqual(["8.8.8.8"]);
  });

  it("names, for every fact, a report question and a value that question accepts", () => {
    const questions = new Map(REPORT_QUESTIONS.map((q) => [q.id, q]));
    const seen = new Set<string>();
    for (const c of CASES) {
      for (const f of extractFacts(c.text, NOW)) {
        seen.add(f.field);
        const q = questions.get(f.questionId);
        expect(q, f.questionId).toBeDefined();
        if (q?.input.kind === "choice" && !(f.field === "dataExposed" && f.value === "yes")) {
          expect(q.input.options).toContain(f.value);
        }
        if (q?.input.kind === "yesno") expect(["yes", "no"]).toContain(f.value);
      }
    }
    expect([...seen].sort()).toEqual([...FACT_FIELDS].sort());
  });

  it("turns facts into the answers the questions store, leaving open what a fact does not settle", () => {
    const facts: Fact[] = extractFacts(
      "Cổng thông tin điện tử tỉnh (https://laichau.gov.vn, 14.225.1.2) bị lộ dữ liệu, 3 máy, 8h hôm qua, đã khắc phục",
      NOW,
    );
    expect(answersFromFacts(facts)).toEqual({
      system: "Cổng thông tin điện tử tỉnh",
      type: "data_leak",
      detectedAt: "2026-11-27T01:00:00.000Z",
      status: "resolved",
      machines: 3,
      ips: ["14.225.1.2"],
      domains: ["laichau.gov.vn"],
    });
  });

  it("states nothing for a message that states nothing", () => {
    for (const text of ["", "   ", "alo", "😱😱🙏", "xin chào trợ lý"])
      expect(extractFacts(text, NOW)).toEqual([]);
  });

  it("reads a pasted log of any length quickly", () => {
    const log =
      "Nov 28 08:12:01 srv sshd[1]: Failed password for root from 185.220.101.45 port 1 ssh2\n".repeat(5000);
    const t0 = performance.now();
    extractFacts(log, NOW);
    expect(performance.now() - t0).toBeLessThan(1000);
  });
});

describe("advice up front", () => {
  it("has advice for every incident type in both languages, distinct per type", () => {
    for (const lng of ["vi", "en"] as const) {
      const t = createTranslator(lng);
      const texts = INCIDENT_TYPES.map((type) => {
        const { key } = adviceFor(type);
        expect(t.exists(key, lng), `${lng} ${key}`).toBe(true);
        return t.t(lng, key);
      });
      expect(new Set(texts).size).toBe(INCIDENT_TYPES.length);
      for (const key of [ADVICE_TITLE_KEY, CALL_HOTLINE_KEY]) expect(t.exists(key, lng), key).toBe(true);
    }
    expect(Object.keys(ADVICE_KEYS).sort()).toEqual([...INCIDENT_TYPES].sort());
  });

  it("says what the issue asks per type: isolate and do not pay, take the site offline, call the provider", () => {
    const t = createTranslator("vi");
    const vi = { text: (key: string) => t.t("vi", key) };
    expect(vi.text(adviceFor("ransomware").key)).toMatch(
      /ngắt.*khỏi mạng.*Không trả tiền chuộc.*Giữ nguyên/s,
    );
    expect(vi.text(adviceFor("defacement").key)).toMatch(/tạm ngừng trang thông tin điện tử.*nhật ký/s);
    expect(vi.text(adviceFor("phishing").key)).toMatch(/không bấm.*đổi mật khẩu/s);
    expect(vi.text(adviceFor("ddos").key)).toMatch(/nhà cung cấp dịch vụ kết nối/);
  });

  it("shows the hotline from level Cao (3) up, and not while the level is unknown", () => {
    expect(adviceFor("ransomware").showHotline).toBe(false);
    expect(adviceFor("ransomware", 2).showHotline).toBe(false);
    expect(adviceFor("ransomware", 3).showHotline).toBe(true);
    expect(adviceFor("phishing", 4).showHotline).toBe(true);
  });
});
