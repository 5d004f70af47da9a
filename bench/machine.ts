import { closeSync, fstatSync, openSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

/**
 * What a system call costs on this machine, measured from Node the way SQLite's commit pays it: a 4 KB write
 * at an offset (a WAL frame's page) and an `fstat` (a call that does no I/O). The engine's durable commit
 * makes about twenty calls like these per update (locks and WAL frames), so this is the figure that moves the
 * engine's side of the bench from one machine to the next; a VM that traps every call into its hypervisor
 * pays several microseconds each. Printed with the results, for the reader comparing runs.
 */
export interface MachineProbe {
  pwrite4kUs: number;
  fstatUs: number;
}

export function probeMachine(dir: string, calls = 20_000): MachineProbe {
  const path = join(dir, "probe.bin");
  const fd = openSync(path, "w+");
  const page = Buffer.alloc(4096, 7);
  try {
    const time = (call: (i: number) => void) => {
      for (let i = 0; i < 1000; i++) call(i);
      const t0 = performance.now();
      for (let i = 0; i < calls; i++) call(i);
      return ((performance.now() - t0) / calls) * 1000;
    };
    // The same 256 pages over and over: the page cache, never the disk, as a WAL append between checkpoints.
    const pwrite4kUs = time((i) => writeSync(fd, page, 0, page.length, (i % 256) * page.length));
    const fstatUs = time(() => fstatSync(fd));
    return { pwrite4kUs, fstatUs };
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
}
