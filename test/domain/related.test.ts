import { describe, expect, it } from "vitest";
import { findRelated, normalizeDomain, relatedKeys } from "../../src/domain/related.ts";

describe("related reports: what identifies a report's target", () => {
  it.each([
    ["https://www.Cong.BinhPhuoc.gov.vn/trang-chu?x=1", "cong.binhphuoc.gov.vn"],
    ["cong.binhphuoc.gov.vn.", "cong.binhphuoc.gov.vn"],
    ["mail.example.vn:8443", "mail.example.vn"],
  ])("domain %s → %s", (raw, want) => {
    expect(normalizeDomain(raw)).toBe(want);
  });

  it("keys a report by its domains, public IPs and system name (folded), without repeats", () => {
    expect(
      relatedKeys({
        domains: ["www.a.gov.vn", "a.gov.vn", "localhost"],
        ips: ["14.225.1.2"],
        system: "Cổng Thông tin điện tử",
      }),
    ).toEqual(["d:a.gov.vn", "ip:14.225.1.2", "s:cong thong tin dien tu"]);
    // A short system name says too little to relate two reports.
    expect(relatedKeys({ system: "Web" })).toEqual([]);
    expect(relatedKeys({})).toEqual([]);
  });
});

describe("related reports: matching within a day", () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 21, h)).toISOString();
  const report = { ticketId: "SC-2026-000010", createdAt: at(10), keys: ["d:a.gov.vn", "ip:14.225.1.2"] };
  it.each([
    ["same domain, 2 h before", { ticketId: "A", createdAt: at(8), keys: ["d:a.gov.vn"] }, true],
    ["same IP, 23 h after", { ticketId: "B", createdAt: at(33), keys: ["ip:14.225.1.2"] }, true],
    [
      "same domain, 25 h before",
      { ticketId: "C", createdAt: new Date(Date.UTC(2026, 10, 20, 9)).toISOString(), keys: ["d:a.gov.vn"] },
      false,
    ],
    ["nothing shared", { ticketId: "D", createdAt: at(9), keys: ["d:b.gov.vn", "s:cong thong tin"] }, false],
  ])("%s → related: %s", (_name, other, related) => {
    expect(findRelated(report, [other]).length > 0).toBe(related);
  });

  it("lists the earliest first and never the report itself", () => {
    const others = [
      { ticketId: "L", createdAt: at(9), keys: ["d:a.gov.vn"] },
      { ticketId: "E", createdAt: at(7), keys: ["ip:14.225.1.2"] },
      report,
    ];
    expect(findRelated(report, others).map((o) => o.ticketId)).toEqual(["E", "L"]);
  });
});
