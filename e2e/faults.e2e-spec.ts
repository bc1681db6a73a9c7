import { testKafka } from '@fieldforce/testing';
import { SteadyLoad } from './faults/load';
import { FaultPlatform, sleep } from './faults/platform';
import { type FaultRecord, buildReport, faultSchedule, faultsConfig, injectFault, writeReport } from './faults/scenario';
import { type FieldTenant, setUpTenant } from './faults/tenant';
import { PlatformInspector } from './faults/verify';

const config = faultsConfig();
const CATCH_UP_MS = 300_000;

/**
 * Fault injection (issue #9): under a steady load of check-ins, trajectory batches and sync
 * pushes from simulated reps, every service is killed with SIGKILL in turn, the broker is
 * restarted and Postgres goes away; afterwards nothing acknowledged is lost, every event had its
 * effect once at every consumer, and the platform caught up by itself. The counts go to
 * reports/faults.json. `npm run faults` runs the same test longer, with a real Postgres restart.
 */
describe('the platform under faults', () => {
  let platform: FaultPlatform;
  let tenant: FieldTenant;
  let inspector: PlatformInspector;

  beforeAll(async () => {
    platform = await FaultPlatform.start({ topicPrefix: testKafka().topicPrefix });
    tenant = await setUpTenant(platform, { reps: config.reps, customersPerRep: config.customersPerRep });
    inspector = new PlatformInspector(platform, tenant);
  }, 900_000);

  afterAll(async () => {
    await platform?.stop();
  }, 120_000);

  it('loses no acknowledged write and applies every event once through service kills, broker restarts and a Postgres outage', async () => {
    const startedAt = Date.now();
    const load = new SteadyLoad(tenant, { paceMs: config.paceMs });
    const faults: FaultRecord[] = [];
    try {
      for (const fault of faultSchedule(config.rounds)) {
        await sleep(config.settleMs);
        faults.push(await injectFault(platform, load.ledger, fault, config));
      }
      await sleep(config.settleMs);
    } finally {
      await load.stop(config.drainMs);
    }

    const stoppedAt = Date.now();
    let caughtUpAfterMs: number | null = null;
    while (Date.now() - stoppedAt < CATCH_UP_MS) {
      if (await inspector.caughtUp().catch(() => false)) {
        caughtUpAfterMs = Date.now() - stoppedAt;
        break;
      }
      await sleep(500);
    }
    const verification = await inspector.verify(load.ledger);
    const report = buildReport({ startedAt, config, platform, ledger: load.ledger, faults, caughtUpAfterMs, verification });
    writeReport(report, config.reportPath);

    // Every fault was survived without a hand on the platform: ready again, writes going through again.
    for (const fault of faults) {
      expect({ fault: fault.fault, readyAfterMs: fault.readyAfterMs === null ? 'never' : 'ready' }).toEqual({ fault: fault.fault, readyAfterMs: 'ready' });
      expect(Object.values(fault.writesAcknowledgedAgainAfterMs)).not.toContain(null);
    }
    expect(Object.values(verification.health).every((status) => status === 200)).toBe(true);
    expect(caughtUpAfterMs).not.toBeNull();
    // A fault is answered as unavailability (502/503/504, or no answer), never as an unexpected 500
    // (shown with the service's log lines of its error id, which say what failed).
    const errorIdOf = (body: unknown) => {
      const errorId = (body as { errorId?: unknown } | null)?.errorId;
      return typeof errorId === 'string' ? errorId : 'no error id';
    };
    expect(load.ledger.serverErrors.map((error) => ({ ...error, log: platform.linesContaining(errorIdOf(error.body)) }))).toEqual([]);
    // The load did run through the faults, and no valid write was refused.
    for (const counts of Object.values(report.requests)) if ('rejected' in counts) expect(counts.rejected).toBe(0);
    expect(load.ledger.checkIns.length).toBeGreaterThan(0);
    expect(load.ledger.trackBatches.length).toBeGreaterThan(0);
    expect(load.ledger.mutations.length).toBeGreaterThan(0);
    expect(verification.lost).toEqual(expect.objectContaining({ total: 0 }));
    expect(verification.duplicates).toEqual(expect.objectContaining({ total: 0 }));
    for (const [group, state] of Object.entries(verification.consumers)) expect({ group, missing: state.missing, lag: state.lag }).toEqual({ group, missing: 0, lag: 0 });
  }, 40 * 60_000 * config.rounds);
});
