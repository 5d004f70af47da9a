/**
 * Time limits for tests that start the CLI as a separate process. Each run compiles src/cli.ts and its imports
 * through tsx: about 1.5 s on an idle 2-core machine, 11–15 s measured at a load average of 16. A fixed limit
 * that suits one run is wrong for a test that makes eight, so a test's limit grows with the runs it makes.
 * These are ceilings for a hung process, not waits: nothing sleeps for them.
 */

/** Allowance per CLI process a test starts (above the slowest single run seen under load). */
export const PER_CLI_RUN_MS = 25_000;

/** A test's timeout: vitest's own start-up on a loaded machine, plus each CLI run the test makes. */
export function cliTimeout(runs: number): number {
  return 35_000 + runs * PER_CLI_RUN_MS;
}
