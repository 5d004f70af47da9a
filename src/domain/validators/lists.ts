// ---------------------------------------------------------------------------------------------------------
// Lists (IPs, domains, phones, e-mails)
// ---------------------------------------------------------------------------------------------------------

// Connectives people type between items: "1.2.3.4 và 5.6.7.8", "a.gov.vn hoặc b.gov.vn".
const LIST_CONNECTIVES = new Set(["và", "va", "hoặc", "hoac", "and", "or", "&"]);

export function splitList(input: string): string[] {
  return input
    .split(/[\s,;]+/u)
    .map((t) => t.replace(/^["'«“(<]+|["'»”)>.!?]+$/gu, ""))
    .filter((t) => t !== "" && !LIST_CONNECTIVES.has(t.toLowerCase()));
}

export function dedupe<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = keyOf(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
