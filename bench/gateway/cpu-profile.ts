// Preloaded into the gateway by overhead.ts when BENCH_GATEWAY_CPU_PROFILE names a directory
// (`--cpu-prof` is not allowed in NODE_OPTIONS): records a V8 CPU profile from start to exit and
// writes it there as gateway-<pid>.cpuprofile (open it in Chrome DevTools or speedscope).
import { mkdirSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const directory = process.env['BENCH_GATEWAY_CPU_PROFILE'];
if (directory !== undefined) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  // 200 µs between samples: fine enough for sub-millisecond requests.
  session.post('Profiler.setSamplingInterval', { interval: 200 });
  session.post('Profiler.start');
  let written = false;
  // A session on the main thread answers synchronously, so the profile is written before the process ends.
  const write = (): void => {
    if (written) return;
    written = true;
    session.post('Profiler.stop', (error, result) => {
      if (error !== null) return;
      mkdirSync(directory, { recursive: true });
      writeFileSync(path.join(directory, `gateway-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  };
  // Nest's shutdown hooks end the process by raising SIGTERM again, which skips 'exit'; the load is over by then.
  process.once('SIGTERM', write);
  process.once('exit', write);
}
