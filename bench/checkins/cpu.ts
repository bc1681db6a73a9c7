// CPU time of the processes and threads an ingest path keeps busy, read from Linux's /proc: unlike
// wall time it hardly depends on what else the machine runs, so it shows what bounds each path.
// Everything here answers undefined where /proc cannot be read (another OS, a remote database).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function msPerTick(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return 1000 / ticksPerSecond;
}

/** The fields of a /proc stat line after the command name, which may hold spaces. */
function statFields(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
}

/** User + system CPU of a /proc/<pid>/stat (or task stat) line, in ms. */
export function cpuMsOfStat(stat: string): number {
  const fields = statFields(stat);
  // utime and stime are the 14th and 15th fields of the line, 12th and 13th after the name.
  return (Number(fields[11]) + Number(fields[12])) * msPerTick();
}

function readStat(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** CPU ms of a process (all its threads), or undefined when it cannot be read (gone, elsewhere). */
export function processCpuMs(pid: number): number | undefined {
  const stat = readStat(`/proc/${pid}/stat`);
  return stat === undefined ? undefined : cpuMsOfStat(stat);
}

/** CPU ms of this process's main thread: the service's event loop. */
export function mainThreadCpuMs(): number | undefined {
  const stat = readStat(`/proc/self/task/${process.pid}/stat`);
  return stat === undefined ? undefined : cpuMsOfStat(stat);
}

/** CPU ms of this process's children that have exited and been waited for (psql). */
export function exitedChildrenCpuMs(): number | undefined {
  const stat = readStat('/proc/self/stat');
  if (stat === undefined) return undefined;
  const fields = statFields(stat);
  // cutime and cstime follow utime and stime.
  return (Number(fields[13]) + Number(fields[14])) * msPerTick();
}
