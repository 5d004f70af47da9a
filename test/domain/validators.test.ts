import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  extractDomains,
  formatVnDateTime,
  parseCount,
  parseDetectionTime,
  parseDomains,
  parseEmail,
  parseEmailList,
  parsePhoneList,
  parsePublicIps,
  parseVietnamesePhone,
  parseYesNo,
  type ValidationResult,
  validateText,
} from "../../src/domain/validators/index.ts";

// 21/11/2026 08:30 in Hà Nội (UTC+7).
const NOW = new Date("2026-11-21T01:30:00.000Z");
const HUGE = "x".repeat(100_000);

function errorKey<T>(result: ValidationResult<T>): string | undefined {
  return result.ok ? undefined : result.error.key;
}

function okValue<T>(result: ValidationResult<T>): T {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.key}`);
  return result.value;
}

describe("parseDetectionTime", () => {
  const local = (r: ValidationResult<Date>) => formatVnDateTime(okValue(r));

  it.each([
    ["bây giờ", "21/11/2026 08:30"],
    ["bay gio", "21/11/2026 08:30"],
    ["now", "21/11/2026 08:30"],
    ["Ngay bây giờ", "21/11/2026 08:30"],
    ["hôm nay 8h", "21/11/2026 08:00"],
    ["hom nay 07:15", "21/11/2026 07:15"],
    ["today 7:00", "21/11/2026 07:00"],
    ["hôm qua 14:30", "20/11/2026 14:30"],
    ["hom qua luc 9h30", "20/11/2026 09:30"],
    ["yesterday 23:15", "20/11/2026 23:15"],
    ["20/11/2026 14:30", "20/11/2026 14:30"],
    ["20/11/26 14:30", "20/11/2026 14:30"],
    ["20-11-2026 14:30", "20/11/2026 14:30"],
    ["20.11.2026 14:30", "20/11/2026 14:30"],
    ["14:30 20/11/2026", "20/11/2026 14:30"],
    ["2026-11-20T14:30", "20/11/2026 14:30"],
    ["ngày 20 tháng 11 năm 2026 lúc 14h", "20/11/2026 14:00"],
    ["20/11 14:30", "20/11/2026 14:30"],
    ["8h30", "21/11/2026 08:30"],
    ["8h", "21/11/2026 08:00"],
    ["7g15", "21/11/2026 07:15"],
    ["8:00", "21/11/2026 08:00"],
    ["8 giờ 30 phút sáng nay", "21/11/2026 08:30"],
    ["7h rưỡi", "21/11/2026 07:30"],
    ["20g15 hôm qua", "20/11/2026 20:15"],
    ["3h chiều hôm qua", "20/11/2026 15:00"],
    ["10h tối qua", "20/11/2026 22:00"],
    ["2h đêm qua", "21/11/2026 02:00"],
    ["12h trưa hôm qua", "20/11/2026 12:00"],
    ["21/11/2025 08:30", "21/11/2025 08:30"],
  ])("accepts %j", (input, expected) => {
    expect(local(parseDetectionTime(input, NOW))).toBe(expected);
  });

  it("returns the exact current instant for 'now'", () => {
    expect(okValue(parseDetectionTime("bây giờ", NOW)).getTime()).toBe(NOW.getTime());
  });

  it("returns a UTC instant for Vietnamese wall-clock time", () => {
    expect(okValue(parseDetectionTime("20/11/2026 07:00", NOW)).toISOString()).toBe(
      "2026-11-20T00:00:00.000Z",
    );
  });

  it("accepts exactly 5 minutes in the future and rejects 6", () => {
    expect(local(parseDetectionTime("21/11/2026 08:35", NOW))).toBe("21/11/2026 08:35");
    expect(errorKey(parseDetectionTime("21/11/2026 08:36", NOW))).toBe("validation:date.future");
    expect(errorKey(parseDetectionTime("8:36", NOW))).toBe("validation:date.future");
  });

  it("suggests yesterday when a bare time is still ahead today", () => {
    const r = parseDetectionTime("23:40", NOW);
    expect(r).toEqual({
      ok: false,
      error: { key: "validation:date.future", params: { example: "20/11/2026 23:40" } },
    });
  });

  it("accepts exactly one year ago and rejects older", () => {
    expect(parseDetectionTime("21/11/2025 08:30", NOW).ok).toBe(true);
    expect(errorKey(parseDetectionTime("21/11/2025 08:29", NOW))).toBe("validation:date.tooOld");
    expect(errorKey(parseDetectionTime("01/01/2020 10:00", NOW))).toBe("validation:date.tooOld");
  });

  it.each([
    ["", "validation:required"],
    ["   ", "validation:required"],
    ["31/02/2026 10:00", "validation:date.invalid"],
    ["29/02/2026 10:00", "validation:date.invalid"],
    ["32/01/2026 10:00", "validation:date.invalid"],
    ["15/13/2026 10:00", "validation:date.invalid"],
    ["25:00", "validation:date.invalidTime"],
    ["hôm qua 25:00", "validation:date.invalidTime"],
    ["20/11/2026 14:60", "validation:date.invalidTime"],
    ["15h sáng", "validation:date.invalidTime"],
    ["20/11/2026", "validation:date.timeMissing"],
    ["20-11-2026", "validation:date.timeMissing"],
    ["20.11.2026", "validation:date.timeMissing"],
    ["hôm qua", "validation:date.timeMissing"],
    ["hôm nay", "validation:date.timeMissing"],
    ["22/11/2026 08:00", "validation:date.future"],
    ["abc", "validation:date.format"],
    ["sáng sớm", "validation:date.format"],
    ["🔥🔥", "validation:date.format"],
    ["14:30 15:30", "validation:date.format"],
    ["20/11/2026 21/11/2026 10:00", "validation:date.format"],
    ["hôm qua 20/11/2026 10:00", "validation:date.format"],
    [HUGE, "validation:date.format"],
  ])("rejects %j", (input, key) => {
    expect(errorKey(parseDetectionTime(input, NOW))).toBe(key);
  });

  it("gives an example in format errors and the date in timeMissing", () => {
    expect(parseDetectionTime("abc", NOW)).toEqual({
      ok: false,
      error: { key: "validation:date.format", params: { example: "21/11/2026 08:30" } },
    });
    expect(parseDetectionTime("20/11/2026", NOW)).toEqual({
      ok: false,
      error: { key: "validation:date.timeMissing", params: { example: "20/11/2026 08:30" } },
    });
  });

  it("reads a day and month without year as the most recent past one", () => {
    const january = new Date("2027-01-02T03:00:00.000Z");
    expect(formatVnDateTime(okValue(parseDetectionTime("25/12 10:00", january)))).toBe("25/12/2026 10:00");
  });
});

describe("parsePublicIps", () => {
  it.each([
    ["8.8.8.8", ["8.8.8.8"]],
    ["2001:4860:4860::8888", ["2001:4860:4860::8888"]],
    ["2001:4860:4860:0:0:0:0:8888", ["2001:4860:4860::8888"]],
    ["8.8.8.8, 1.1.1.1; 8.8.8.8\n2001:4860:4860::8888", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888"]],
    ["203.162.4.190 và 203.162.4.191", ["203.162.4.190", "203.162.4.191"]],
    ["203.162.4.0/24", ["203.162.4.0/24"]],
    ["203.162.4.5/24", ["203.162.4.5/24"]],
    ["::ffff:8.8.8.8", ["8.8.8.8"]],
  ])("accepts %j", (input, expected) => {
    expect(okValue(parsePublicIps(input))).toEqual(expected);
  });

  it.each([
    "10.0.0.1",
    "192.168.1.1",
    "172.16.0.1",
    "100.64.0.1",
    "127.0.0.1",
    "169.254.1.1",
    "0.0.0.0",
    "255.255.255.255",
    "224.0.0.1",
    "192.0.2.1",
    "fe80::1",
    "fc00::1",
    "::1",
    "2001:db8::1",
    "10.0.0.0/8",
    "8.0.0.0/4",
  ])("rejects internal address %s", (input) => {
    expect(parsePublicIps(input)).toEqual({
      ok: false,
      error: { key: "validation:ip.internal", params: { list: input } },
    });
  });

  it("lists every internal address at once", () => {
    const r = parsePublicIps("8.8.8.8, 10.0.0.1, 192.168.1.1");
    expect(r).toEqual({
      ok: false,
      error: { key: "validation:ip.internal", params: { list: "10.0.0.1, 192.168.1.1" } },
    });
  });

  it.each([
    ["1.2.3", "1.2.3"],
    ["256.1.1.1", "256.1.1.1"],
    ["010.1.1.1", "010.1.1.1"],
    ["8.8.8.8, abc", "abc"],
    ["1::2::3", "1::2::3"],
    ["8.8.8.8/33", "8.8.8.8/33"],
    ["🙂", "🙂"],
  ])("rejects invalid %j", (input, bad) => {
    expect(parsePublicIps(input)).toEqual({
      ok: false,
      error: { key: "validation:ip.invalid", params: { value: bad } },
    });
  });

  it("drops a port with a warning", () => {
    const r = parsePublicIps("203.162.4.190:8080");
    expect(r).toEqual({
      ok: true,
      value: ["203.162.4.190"],
      warnings: [{ key: "validation:ip.portRemoved" }],
    });
  });

  it("enforces the maximum and empty input", () => {
    expect(errorKey(parsePublicIps("8.8.8.8 8.8.4.4 1.1.1.1", { max: 2 }))).toBe("validation:ip.tooMany");
    expect(parsePublicIps("8.8.8.8 8.8.8.8 8.8.8.8", { max: 1 }).ok).toBe(true);
    expect(errorKey(parsePublicIps(""))).toBe("validation:required");
    expect(errorKey(parsePublicIps(" , ; "))).toBe("validation:required");
    expect(parsePublicIps(HUGE).ok).toBe(false);
  });
});

describe("parseDomains", () => {
  it.each([
    ["laichau.gov.vn", ["laichau.gov.vn"]],
    ["LaiChau.GOV.vn", ["laichau.gov.vn"]],
    ["https://dichvucong.laichau.gov.vn/portal/page?id=1", ["dichvucong.laichau.gov.vn"]],
    ["http://portal.laichau.gov.vn:8080/", ["portal.laichau.gov.vn"]],
    ["bộ.vn", ["bộ.vn"]],
    ["xn--b-8xm.vn", ["bộ.vn"]],
    [
      "laichau.gov.vn, dichvucong.laichau.gov.vn laichau.gov.vn",
      ["laichau.gov.vn", "dichvucong.laichau.gov.vn"],
    ],
    ["laichau.gov.vn.", ["laichau.gov.vn"]],
  ])("accepts %j", (input, expected) => {
    expect(okValue(parseDomains(input))).toEqual(expected);
  });

  it.each([
    ["abc", "validation:domain.invalid"],
    ["-abc.vn", "validation:domain.invalid"],
    ["a..vn", "validation:domain.invalid"],
    ["abc.123", "validation:domain.invalid"],
    ["ab_c.vn", "validation:domain.invalid"],
    ["😀.vn", "validation:domain.invalid"],
    [`${"a".repeat(64)}.vn`, "validation:domain.invalid"],
    ["8.8.8.8", "validation:domain.isIp"],
    ["http://203.162.4.190/admin", "validation:domain.isIp"],
    ["", "validation:required"],
    [HUGE, "validation:domain.tooMany"],
  ])("rejects %j", (input, key) => {
    expect(errorKey(parseDomains(input))).toBe(key);
  });

  it("enforces the maximum", () => {
    expect(errorKey(parseDomains("a.vn b.vn c.vn", { max: 2 }))).toBe("validation:domain.tooMany");
  });
});

describe("extractDomains", () => {
  it.each([
    ["cổng thông tin laichau.gov.vn bị lỗi", ["laichau.gov.vn"]],
    [
      "web https://dichvucong.laichau.gov.vn/portal bị deface, admin@gmail.com báo",
      ["dichvucong.laichau.gov.vn"],
    ],
    ["xem tại laichau.gov.vn.", ["laichau.gov.vn"]],
    ["trang bộ.vn và BỘ.VN", ["bộ.vn"]],
    ["file readme.txt, báo cáo.docx bị đổi thành abc.lockbit", []],
    ["UBND TP.HCM, v.v.", []],
    ["không có tên miền nào", []],
    ["", []],
  ])("finds domains in %j", (input, expected) => {
    expect(extractDomains(input)).toEqual(expected);
  });

  it("copes with a huge input", () => {
    expect(extractDomains(`${"a.".repeat(50_000)}vn`)).toEqual(expect.any(Array));
  });
});

describe("parseVietnamesePhone", () => {
  it.each([
    ["0912 345 678", "+84912345678", "0912 345 678"],
    ["0912.345.678", "+84912345678", "0912 345 678"],
    ["+84 912 345 678", "+84912345678", "0912 345 678"],
    ["84912345678", "+84912345678", "0912 345 678"],
    ["0084 912 345 678", "+84912345678", "0912 345 678"],
    ["024.3640.4424", "+842436404424", "024 3640 4424"],
    ["02432091616", "+842432091616", "024 3209 1616"],
    ["0213 3798 798", "+842133798798", "0213 3798 798"],
    ["(024) 3640-4424", "+842436404424", "024 3640 4424"],
    ["1900 1234", "+8419001234", "1900 1234"],
    ["1800 1091", "+8418001091", "1800 1091"],
    ["+1 650 253 0000", "+16502530000", "+1 650 253 0000"],
  ])("accepts %j", (input, e164, display) => {
    expect(okValue(parseVietnamesePhone(input))).toEqual({ e164, display });
  });

  it.each(["12345", "0912 345", "abc", "0912abc678", "gọi 0912345678", "113", "📞", HUGE])(
    "rejects %j",
    (input) => {
      expect(errorKey(parseVietnamesePhone(input))).toBe("validation:phone.invalid");
    },
  );

  it("requires input", () => {
    expect(errorKey(parseVietnamesePhone(" "))).toBe("validation:required");
  });
});

describe("parsePhoneList", () => {
  it.each([
    ["0912345678, 024.3640.4424", ["+84912345678", "+842436404424"]],
    ["0912345678; 0987654321", ["+84912345678", "+84987654321"]],
    ["0912345678 hoặc 0987654321", ["+84912345678", "+84987654321"]],
    ["0912345678/0987654321", ["+84912345678", "+84987654321"]],
    ["0912345678 0987654321", ["+84912345678", "+84987654321"]],
    ["0912 345 678\n0912.345.678", ["+84912345678"]],
  ])("accepts %j", (input, expected) => {
    expect(okValue(parsePhoneList(input)).map((p) => p.e164)).toEqual(expected);
  });

  it.each([
    ["0912345678; abc", "validation:phone.invalid"],
    ["", "validation:required"],
    [" , ; ", "validation:required"],
    [HUGE, "validation:phone.invalid"],
  ])("rejects %j", (input, key) => {
    expect(errorKey(parsePhoneList(input))).toBe(key);
  });
});

describe("parseEmail / parseEmailList", () => {
  it.each([
    ["nguyenvana@laichau.gov.vn", "nguyenvana@laichau.gov.vn"],
    ["  Nguyen.Van.A@LaiChau.GOV.vn ", "Nguyen.Van.A@laichau.gov.vn"],
    ["mailto:x@y.vn", "x@y.vn"],
    ["<x@y.vn>", "x@y.vn"],
    ["a@bộ.vn", "a@bộ.vn"],
  ])("accepts %j", (input, expected) => {
    expect(okValue(parseEmail(input))).toBe(expected);
  });

  it.each(["abc", "a@b", "a@@b.vn", "a b@c.vn", "@laichau.gov.vn", "a@", "😀@😀", HUGE])(
    "rejects %j",
    (input) => {
      expect(errorKey(parseEmail(input))).toBe("validation:email.invalid");
    },
  );

  it("requires input", () => {
    expect(errorKey(parseEmail(""))).toBe("validation:required");
    expect(errorKey(parseEmailList(""))).toBe("validation:required");
  });

  it("parses lists", () => {
    expect(okValue(parseEmailList("a@b.vn, c@d.vn hoặc A@B.VN; e@f.vn"))).toEqual([
      "a@b.vn",
      "c@d.vn",
      "e@f.vn",
    ]);
    expect(parseEmailList("a@b.vn, sai")).toEqual({
      ok: false,
      error: { key: "validation:email.invalid", params: { value: "sai" } },
    });
  });
});

describe("validateText", () => {
  const opts = { min: 3, max: 20, field: "description" };

  it.each([
    ["  Web bị lỗi  ", "Web bị lỗi"],
    ["abc", "abc"],
    ["🔥 cháy 🔥", "🔥 cháy 🔥"],
    ["a\u0000b\u0007c", "abc"],
    ["dòng 1\ndòng 2", "dòng 1\ndòng 2"],
    ["x".repeat(20), "x".repeat(20)],
  ])("accepts %j", (input, expected) => {
    expect(okValue(validateText(input, opts))).toBe(expected);
  });

  it("counts code points, so an emoji is one character", () => {
    expect(validateText("a😀", opts)).toEqual({
      ok: false,
      error: {
        key: "validation:text.tooShort",
        params: { min: 3, length: 2, field: "description", context: "description" },
      },
    });
  });

  it("counts composed and decomposed Vietnamese the same", () => {
    const decomposed = "Lỗi".normalize("NFD");
    expect(okValue(validateText(decomposed, { max: 3 }))).toBe("Lỗi");
  });

  it.each([
    ["", "validation:required"],
    ["   \n\t ", "validation:required"],
    ["\u0000\u0001\u0002", "validation:required"],
    ["\u200b\u200b", "validation:required"],
    ["ab", "validation:text.tooShort"],
    ["x".repeat(21), "validation:text.tooLong"],
  ])("rejects %j", (input, key) => {
    expect(errorKey(validateText(input, opts))).toBe(key);
  });

  it("reports the length of a huge text", () => {
    expect(validateText(HUGE, { max: 2000 })).toEqual({
      ok: false,
      error: { key: "validation:text.tooLong", params: { max: 2000, length: 100_000 } },
    });
  });

  it("defaults min to 1", () => {
    expect(okValue(validateText("a", { max: 5 }))).toBe("a");
  });
});

describe("parseCount", () => {
  it.each([
    ["0", 0, false],
    ["200", 200, false],
    ["10.000", 10_000, false],
    ["10,000", 10_000, false],
    ["10 000", 10_000, false],
    ["1.234.567", 1_234_567, false],
    ["khoảng 200", 200, true],
    ["khoang 200", 200, true],
    ["~200", 200, true],
    ["hơn 50", 50, true],
    ["200+", 200, true],
    ["khoảng hơn 200 máy", 200, true],
    ["200-300 máy", 300, true],
    ["10k", 10_000, false],
    ["1.5k", 1_500, false],
    ["2 nghìn", 2_000, false],
    ["2 ngàn", 2_000, false],
    ["1,5 nghìn", 1_500, false],
    ["3 triệu", 3_000_000, false],
    ["200 máy tính", 200, false],
    ["không", 0, false],
  ])("reads %j as %d", (input, expected, approximate) => {
    const r = parseCount(input);
    expect(okValue(r)).toBe(expected);
    expect(r.ok && r.warnings !== undefined).toBe(approximate);
  });

  it.each(["không rõ", "khong ro", "chưa rõ", "unknown", "?", "Không biết"])(
    "reads %j as unknown",
    (input) => {
      expect(okValue(parseCount(input))).toBe("unknown");
    },
  );

  it.each(["-5", "abc", "1,5", "10.5", "1.2.3", "nhiều", "🔥", "9".repeat(30), HUGE])(
    "rejects %j",
    (input) => {
      expect(errorKey(parseCount(input))).toBe("validation:count.invalid");
    },
  );

  it("requires input", () => {
    expect(errorKey(parseCount(""))).toBe("validation:required");
  });
});

describe("parseYesNo", () => {
  it.each([
    ["có", "yes"],
    ["co", "yes"],
    ["Có!", "yes"],
    ["dạ có ạ", "yes"],
    ["yes", "yes"],
    ["Y", "yes"],
    ["không", "no"],
    ["khong", "no"],
    ["ko", "no"],
    ["k", "no"],
    ["no", "no"],
    ["n", "no"],
    ["chưa", "no"],
    ["không ạ", "no"],
    ["không rõ", "unknown"],
    ["chưa rõ", "unknown"],
    ["unknown", "unknown"],
    ["ko biết", "unknown"],
  ])("reads %j as %s", (input, expected) => {
    expect(okValue(parseYesNo(input))).toBe(expected);
  });

  it.each(["maybe", "có thể", "🙂", "yesno", HUGE])("rejects %j", (input) => {
    expect(errorKey(parseYesNo(input))).toBe("validation:choice.yesNo");
  });

  it("requires input", () => {
    expect(errorKey(parseYesNo(" "))).toBe("validation:required");
  });
});

describe("validation locale files", () => {
  type Tree = { [key: string]: string | Tree };
  const load = (lang: string): Tree =>
    JSON.parse(
      readFileSync(new URL(`../../locales/${lang}/validation.json`, import.meta.url), "utf8"),
    ) as Tree;
  const keysOf = (tree: Tree, prefix = ""): string[] =>
    Object.entries(tree).flatMap(([k, v]) =>
      typeof v === "string" ? [`${prefix}${k}`] : keysOf(v, `${prefix}${k}.`),
    );
  const vi = load("vi");
  const en = load("en");

  it("have the same keys in Vietnamese and English", () => {
    expect(keysOf(vi).sort()).toEqual(keysOf(en).sort());
  });

  it("define every validation key used by the validators", () => {
    const folder = new URL("../../src/domain/validators/", import.meta.url);
    const source = readdirSync(folder)
      .map((file) => readFileSync(new URL(file, folder), "utf8"))
      .join("\n");
    const used = [...source.matchAll(/"validation:([\w.]+)"/g)].map((m) => m[1]);
    expect(used.length).toBeGreaterThan(10);
    for (const key of new Set(used)) {
      expect(keysOf(vi), `vi is missing ${key}`).toContain(key);
      expect(keysOf(en), `en is missing ${key}`).toContain(key);
    }
  });

  it("use the same interpolation parameters in both languages", () => {
    const params = (tree: Tree) =>
      Object.fromEntries(
        keysOf(tree).map((key) => {
          const text = key
            .split(".")
            .reduce<string | Tree>((node, k) => (node as Tree)[k] ?? "", tree) as string;
          return [key, [...new Set(text.match(/\{\{\w+\}\}/g) ?? [])].sort()];
        }),
      );
    expect(params(vi)).toEqual(params(en));
  });
});
