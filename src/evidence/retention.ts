import type { EvidenceRetention } from "../retention/purge.ts";
import type { Store } from "../store/store.ts";
import type { EvidenceFiles } from "./files.ts";

/**
 * RETENTION_EVIDENCE_DAYS for the purge (retention/purge.ts): the evidence of tickets unchanged since the cutoff,
 * and of tickets the purge is about to delete, goes: rows first, then each stored file no remaining row names
 * (a file is kept once for every ticket that sent the same bytes). Runs inside the purge's transaction; a file
 * is removed only after its rows are gone in that transaction, and a file already missing is no error.
 */
export function evidenceRetention(store: Store, files: EvidenceFiles): EvidenceRetention {
  return {
    count: (before, tickets) => store.evidence.expired(before, tickets).length,
    purge(before, tickets) {
      const rows = store.evidence.expired(before, tickets);
      if (rows.length === 0) return 0;
      store.evidence.remove(rows.map((r) => r.id));
      const paths = new Set(rows.map((r) => r.path).filter((p): p is string => p !== null));
      for (const path of paths) if (store.evidence.pathUsers(path) === 0) files.remove(path);
      return rows.length;
    },
  };
}
