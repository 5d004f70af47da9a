import { describe, expect, it } from "vitest";
import { assessReport, inactiveIds, severityInputFromAnswers } from "../../src/domain/assessment.ts";
import { DEFAULT_ROUTING_RULES } from "../../src/domain/routing.ts";
import { rulesWithoutRecipient } from "../../src/domain/routing-gaps.ts";

/** The contact table after migration 8: the police seeded out of use until an admin fills it in. */
function contacts(policeActive: boolean) {
  return [
    { id: "vncert", active: true },
    { id: "ncsc", active: true },
    { id: "provincial", active: true },
    { id: "police", active: policeActive },
    { id: "provincial_dost", active: false },
  ];
}

/** Answers of a report as the flow stores them: a blocked scan found by the IDS, handled in-house. */
const SCAN = {
  type: "vuln_exploit_attempt",
  status: "contained",
  detection: ["ids"],
  systemLevel: "3",
  nationalCritical: "no",
  serviceDisrupted: "no",
  privilegedAccount: "no",
  dataExposed: "none",
  machines: 1,
  dangerousSituation: "no",
  canHandleAlone: "yes",
};

const assess = (answers: Record<string, unknown>, policeActive: boolean) =>
  assessReport(answers, DEFAULT_ROUTING_RULES, "submitted", inactiveIds(contacts(policeActive)));

describe("assessReport: no alarm fatigue from the stored answers", () => {
  it("a blocked scan of a level-3 portal is Thấp and asks for no initial report", () => {
    const { severity, routing } = assess(SCAN, true);
    expect(severity.level).toBe(1);
    expect(routing.firedRules).toEqual(["R1"]);
  });

  it("malware cleaned by the antivirus on one workstation is Thấp, and no police matter", () => {
    const answers = { ...SCAN, type: "malware", status: "resolved", detection: ["antivirus"] };
    expect(severityInputFromAnswers(answers)).toMatchObject({
      status: "resolved",
      detectedByAntivirus: true,
    });
    const { severity, routing } = assess(answers, true);
    expect(severity.level).toBe(1);
    expect(severity.reasons.map((r) => r.key)).toEqual(["severity:reason.malwareCleanedByAntivirus"]);
    expect(routing.firedRules).not.toContain("R5");
    // The same malware still running is a confirmed compromise of a level-3 system.
    expect(assess({ ...answers, status: "ongoing" }, true).severity.level).toBe(3);
  });

  it("a missing status or detection is not read as cleaned", () => {
    const input = severityInputFromAnswers({ type: "malware" });
    expect(input).toMatchObject({ status: "unknown", detectedByAntivirus: false });
  });

  it("a phishing mail, blocked or clicked without data lost, does not go to the police", () => {
    for (const status of ["contained", "ongoing"]) {
      const { routing } = assess({ ...SCAN, type: "phishing", status }, true);
      expect(routing.firedRules).not.toContain("R5");
      expect(routing.destinations.map((d) => d.contactId)).not.toContain("police");
    }
  });
});

describe("the police as a recipient of R3 and R5 (issue 17, the 2025 reorganisation)", () => {
  const RANSOMWARE = { ...SCAN, type: "ransomware", status: "ongoing", serverAffected: "yes" };
  const SERIOUS = {
    ...SCAN,
    type: "intrusion",
    systemLevel: "4",
    serviceDisrupted: "yes",
    canHandleAlone: "no",
  };

  it("with the police contact out of use, R5 gives advice only and the admins are told R3 and R5 lack it", () => {
    const { routing } = assess(RANSOMWARE, false);
    expect(routing.firedRules).toContain("R5");
    expect(routing.destinations.map((d) => d.contactId)).toEqual(["provincial", "vncert"]);
    expect(routing.advice).toContainEqual({
      ruleId: "R5",
      key: "routing:advice.reportToPolice",
      contactIds: [],
    });
    expect(rulesWithoutRecipient(DEFAULT_ROUTING_RULES, contacts(false))).toEqual([
      { ruleId: "R3", contactIds: ["police"] },
      { ruleId: "R5", contactIds: ["police"] },
    ]);
  });

  it("once the police contact is in use, an R5 ticket is routed to it and the advice names it", () => {
    const { routing } = assess(RANSOMWARE, true);
    expect(routing.destinations).toContainEqual({ contactId: "police", kinds: ["notify"], rules: ["R5"] });
    expect(routing.advice).toContainEqual({
      ruleId: "R5",
      key: "routing:advice.reportToPolice",
      contactIds: ["police"],
    });
    expect(rulesWithoutRecipient(DEFAULT_ROUTING_RULES, contacts(true))).toEqual([]);
  });

  it("R3's hotline advice names exactly the units the emergency went to", () => {
    const off = assess(SERIOUS, false);
    expect(off.severity.level).toBe(4);
    const phone = (r: typeof off) =>
      r.routing.advice.find((a) => a.key === "routing:advice.phoneHotlinesNow");
    expect(phone(off)?.contactIds).toEqual(["vncert", "provincial"]);
    const on = assess(SERIOUS, true);
    expect(phone(on)?.contactIds).toEqual(["vncert", "provincial", "police"]);
    expect(on.routing.destinations.find((d) => d.contactId === "police")?.kinds).toEqual(["emergency"]);
  });

  it("a rule an admin took out of use, or one that only advises, lacks nothing", () => {
    const rules = DEFAULT_ROUTING_RULES.map((r) => ({ ...r, active: r.id !== "R3" }));
    expect(rulesWithoutRecipient(rules, contacts(false)).map((g) => g.ruleId)).toEqual(["R5"]);
    expect(rulesWithoutRecipient(rules, []).map((g) => g.ruleId)).toEqual(["R1", "R2", "R4", "R5", "R7"]);
  });
});
