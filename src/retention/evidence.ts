import { rmSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import type { Db } from "../store/db.ts";
import type { EvidenceRetention } from "./purge.ts";

/**
 * RETENTION_EVIDENCE_DAYS over the evidence store (issue 14 item 4): a table `evidence` with one row per file
 * of a ticket (`incident_id`, `created_at`, and `path`, relative to EVIDENCE_DIR, content-addressed so that two
 * rows may share a file). A row older than the cutoff, or of a ticket being deleted, goes; its file goes once no
 * row refers to it any more. Without that table (a database from before the evidence store) it removes nothing.
 * Wire it where the purge options are built: `evidence: evidenceRetention(store.db, config.evidenceDir)`.
 */
export function evidenceRetention(db: Db, dir: string): EvidenceRetention {
  const present = () => {
    const columns = new Set(
      (db.prepare("SELECT name FROM pragma_table_info('evidence')").all() as Array<{ name: string }>).map(
        (c) => c.name,
      ),
    );
    return ["incident_id", "created_at", "path"].every((c) => columns.has(c));
  };
  const due = `FROM evidence WHERE created_at < ? OR incident_id IN
    (SELECT id FROM incidents WHERE ticket_id IN (SELECT value FROM json_each(?)))`;
  return {
    count(before, tickets) {
      if (!present()) return 0;
      return (db.prepare(`SELECT count(*) AS n ${due}`).get(before, JSON.stringify(tickets)) as { n: number })
        .n;
    },
    purge(before, tickets) {
      if (!present()) return 0;
      const args = [before, JSON.stringify(tickets)];
      const paths = (db.prepare(`SELECT DISTINCT path ${due}`).all(...args) as Array<{ path: string | null }>)
        .map((r) => r.path)
        .filter((p): p is string => typeof p === "string" && p !== "");
      const removed = db.prepare(`DELETE ${due}`).run(...args).changes;
      const stillUsed = db.prepare("SELECT 1 FROM evidence WHERE path = ? LIMIT 1");
      for (const path of paths) {
        if (stillUsed.get(path)) continue;
        const file = resolve(dir, path);
        // A path that would leave the evidence folder is never followed.
        const inside = relative(resolve(dir), file);
        if (inside.startsWith("..") || isAbsolute(inside)) continue;
        rmSync(file, { force: true });
      }
      return removed;
    },
  };
}
