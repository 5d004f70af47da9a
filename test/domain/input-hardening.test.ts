import { describe, expect, it } from "vitest";
import { stripInvisibleControls } from "../../src/domain/text.ts";
import { parsePublicIps, validateText } from "../../src/domain/validators/index.ts";

const value = (r: { ok: boolean; value?: unknown }) => (r.ok ? r.value : undefined);
const errorOf = (r: { ok: boolean; error?: { key: string; params?: unknown } }) =>
  r.ok ? undefined : r.error;

describe("bidirectional and zero-width characters", () => {
  it("a right-to-left override cannot make 'gnp.exe' read as another file name", () => {
    expect(value(validateText("Tệp đính kèm hoadon\u202Egnp.exe đã chạy", { max: 200 }))).toBe(
      "Tệp đính kèm hoadongnp.exe đã chạy",
    );
  });

  it.each([
    ["isolates and embeddings", "a\u2066b\u2067c\u2068d\u2069e\u202Af\u202Bg\u202Ch\u202Di", "abcdefghi"],
    ["marks", "x\u200Ey\u200Fz\u061C", "xyz"],
    [
      "zero-width space, non-joiner, word joiner, BOM, Mongolian separator",
      "Ng\u200Buy\u200Cễn\u2060 V\uFEFFăn\u180E",
      "Nguyễn Văn",
    ],
    ["a joiner outside an emoji", "ph\u200Dishing", "phishing"],
  ])("%s are removed", (_what, input, expected) => {
    expect(value(validateText(input, { max: 200 }))).toBe(expected);
  });

  it("keeps the joiner inside emoji sequences", () => {
    for (const emoji of ["👨\u200D👩\u200D👧", "🏳\uFE0F\u200D🌈", "👩🏽\u200D💻"]) {
      expect(stripInvisibleControls(`máy chủ ${emoji} lỗi`)).toBe(`máy chủ ${emoji} lỗi`);
    }
  });

  it("a name made only of invisible characters is empty", () => {
    expect(errorOf(validateText("\u202E\u200B\u2066", { max: 200 }))?.key).toBe("validation:required");
  });
});

describe("public IP check: addresses that only look public", () => {
  it.each([
    ["::8.8.8.8", "validation:ip.ipv4Compatible"],
    ["2001:4860::8888%eth0", "validation:ip.zone"],
    ["[2001:4860::8888%eth0]:443", "validation:ip.zone"],
    ["2002:0a00:0001::1", "validation:ip.wrapsInternal"],
    ["2002:c0a8:0101::1", "validation:ip.wrapsInternal"],
    ["2001:0:4136:e378:8000:63bf:f5ff:fffe", "validation:ip.wrapsInternal"],
    ["::ffff:10.0.0.1", "validation:ip.internal"],
    ["64:ff9b::a00:1", "validation:ip.internal"],
  ])("%s is refused (%s)", (input, key) => {
    expect(errorOf(parsePublicIps(input))?.key).toBe(key);
  });

  it("names the wrapped address in the reason", () => {
    expect(errorOf(parsePublicIps("2002:c0a8:0101::1"))?.params).toEqual({
      value: "2002:c0a8:0101::1",
      via: "6to4",
      ipv4: "192.168.1.1",
    });
  });

  it("real public addresses, mapped or wrapped, still pass", () => {
    expect(value(parsePublicIps("::ffff:8.8.8.8, 2002:0808:0808::1, 2001:ee0:1::10"))).toEqual([
      "8.8.8.8",
      "2002:808:808::1",
      "2001:ee0:1::10",
    ]);
  });
});
