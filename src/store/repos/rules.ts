import { type RoutingRule, routingRuleSchema } from "../../domain/routing.ts";
import type { RuleRecord } from "../types.ts";
import type { RulesRepo } from "./interfaces.ts";
import { type Db, json, parse, type Raw } from "./sqlite.ts";

/** Routing rules in evaluation order, with every version kept. */
export class SqliteRules implements RulesRepo {
  private readonly s;
  private rulesCache: { stamp: string; value: RoutingRule[] } | undefined;

  constructor(db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      active: p("SELECT definition FROM routing_rules WHERE active = 1 ORDER BY position"),
      stamp: p("SELECT group_concat(id || ':' || version || ':' || active, ',') AS stamp FROM routing_rules"),
      rules: p("SELECT * FROM routing_rules ORDER BY position, id"),
      insertRule: p(
        `INSERT INTO routing_rules (id, position, version, definition, active, updated_at, updated_by)
         VALUES (?, ?, 1, ?, ?, ?, ?)`,
      ),
      updateRule: p(
        `UPDATE routing_rules SET position = ?, version = version + 1, definition = ?, active = ?, updated_at = ?,
           updated_by = ?
         WHERE id = ? AND version = ?`,
      ),
      insertRuleVersion: p(
        `INSERT INTO routing_rule_versions (rule_id, version, definition, changed_by, changed_at, active, position)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      ruleVersions: p("SELECT * FROM routing_rule_versions WHERE rule_id = ? ORDER BY version"),
    };
  }

  /** Active routing rules in evaluation order, checked against the rule schema once per version of the table. */
  routingRules(): RoutingRule[] {
    const stamp = (this.s.stamp.get() as { stamp: string | null }).stamp ?? "";
    if (this.rulesCache?.stamp !== stamp) {
      const value = (this.s.active.all() as { definition: string }[]).map((r) =>
        routingRuleSchema.parse(parse(r.definition)),
      );
      this.rulesCache = { stamp, value };
    }
    return this.rulesCache.value;
  }

  /** Every rule row, inactive ones included, with its raw stored definition. */
  rules(): RuleRecord[] {
    return (this.s.rules.all() as Raw[]).map((r) => ({
      id: String(r.id),
      position: Number(r.position),
      version: Number(r.version),
      definition: parse(r.definition),
      active: r.active === 1,
      updatedAt: String(r.updated_at),
      updatedBy: String(r.updated_by),
    }));
  }

  /** Inserts a rule at version 1, with its first version row. */
  insertRule(
    id: string,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): void {
    this.s.insertRule.run(id, position, json(definition), active ? 1 : 0, at, by);
    this.s.insertRuleVersion.run(id, 1, json(definition), by, at, active ? 1 : 0, position);
  }

  /** Writes the next version of a rule if it is still at `expectedVersion`; returns the new version. */
  updateRule(
    id: string,
    expectedVersion: number,
    position: number,
    definition: unknown,
    active: boolean,
    by: string,
    at: string,
  ): number | undefined {
    const changed = this.s.updateRule.run(
      position,
      json(definition),
      active ? 1 : 0,
      at,
      by,
      id,
      expectedVersion,
    ).changes;
    if (changed !== 1) return undefined;
    this.s.insertRuleVersion.run(id, expectedVersion + 1, json(definition), by, at, active ? 1 : 0, position);
    return expectedVersion + 1;
  }

  ruleVersions(
    id: string,
  ): Array<{ version: number; definition: unknown; active: boolean; changedBy: string }> {
    return (this.s.ruleVersions.all(id) as Raw[]).map((r) => ({
      version: Number(r.version),
      definition: parse(r.definition),
      active: r.active === 1,
      changedBy: String(r.changed_by),
    }));
  }
}
