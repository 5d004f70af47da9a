import type { Reason } from "../domain/severity-input.ts";

// Small readers of a parsed import file (the contacts YAML): its lists, and the paths problems are reported at.

/** A top-level list of the file; a missing required section, or one that is not a list, is reported. */
export function listAt(
  top: Record<string, unknown>,
  key: string,
  issue: (path: ReadonlyArray<string | number>, reason: Reason) => void,
  required: boolean,
): unknown[] {
  const value = top[key];
  if (value === undefined || value === null) {
    if (required) issue([key], { key: "admin:file.missingSection", params: { section: key } });
    return [];
  }
  if (!Array.isArray(value)) {
    issue([key], { key: "admin:import.type", params: { expected: "list" } });
    return [];
  }
  return value;
}

/** A schema issue's path as a path in the file. */
export function pathOf(path: ReadonlyArray<PropertyKey>): Array<string | number> {
  return path.map((p) => (typeof p === "number" ? p : String(p)));
}

/** "contacts[2].phones[1]" from a path. */
export function fieldName(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>((s, p) => (typeof p === "number" ? `${s}[${p}]` : s ? `${s}.${p}` : p), "");
}

/** JSON with sorted keys, so two definitions that differ only in key order compare equal. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}
