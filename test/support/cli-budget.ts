/**
 * Time limits for tests that start the CLI as a separate process. Each run compiles src/cli.ts and its imports
 * through tsx: about 1.5 s on an idle 2-core machine, 6–7 s measured while other work loads it. A fixed limit
 * that suits one run is wrong for a test that makes eight, so a test's limit grows with the runs it makes.
 * These are ceilings for a hung process, not waits: nothing sleeps for them.
 */

/** Allowance per CLI process a test starts (about twice the slowest run seen under load). */
export const PER_CLI_RUN_MS = 15_000;

/** A test's timeout: vitest's own start-up on a loaded machine, plus each CLI run the test makes. */
export function cliTimeout(runs: number): number {
  return 45_000 + runs * PER_CLI_RUN_MS;
}
