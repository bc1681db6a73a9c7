// The devices of the ingest benchmark: a worker thread that sends batches of track points over
// HTTP like a fleet does — several devices at once, each sending its batches one after another
// (a phone uploads its queue in order and waits for each answer). It runs beside the service
// rather than on the service's event loop, as the psql process of the COPY baseline does.
import http from 'node:http';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

/** One device: its user's token and its batches, as request bodies serialised up front. */
export interface FleetDevice {
  token: string;
  bodies: string[];
}

export interface FleetJob {
  /** Base URL of the service. */
  url: string;
  /** Devices uploading at the same time; each has one request in flight at most. */
  devicesInFlight: number;
  devices: FleetDevice[];
}

/** The answers of all requests, summed. */
export interface FleetResult {
  requests: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

interface IngestAnswer {
  accepted: number;
  duplicates: number;
  rejected: unknown[];
}

const PATH = '/api/v1/trajectories/points';

function post(agent: http.Agent, url: URL, token: string, body: Buffer): Promise<IngestAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': body.length },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          if (response.statusCode === 200) resolve(JSON.parse(text) as IngestAnswer);
          else reject(new Error(`POST ${PATH} answered ${response.statusCode}: ${text}`));
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

// Bodies encoded up front, as a device holds its queue: sending costs the fleet only the write.
type EncodedDevice = { token: string; bodies: Buffer[] };

const encoded = (job: FleetJob): EncodedDevice[] =>
  job.devices.map((device) => ({ token: device.token, bodies: device.bodies.map((body) => Buffer.from(body)) }));

async function sendAll(job: FleetJob, devices: EncodedDevice[]): Promise<FleetResult> {
  const url = new URL(PATH, job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.devicesInFlight });
  const result: FleetResult = { requests: 0, accepted: 0, duplicates: 0, rejected: 0 };
  let nextDevice = 0;
  const uploader = async (): Promise<void> => {
    while (nextDevice < devices.length) {
      const device = devices[nextDevice++]!;
      for (const body of device.bodies) {
        const answer = await post(agent, url, device.token, body);
        result.requests += 1;
        result.accepted += answer.accepted;
        result.duplicates += answer.duplicates;
        result.rejected += answer.rejected.length;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(job.devicesInFlight, devices.length) }, uploader));
  } finally {
    agent.destroy();
  }
  return result;
}

type FleetMessage = { ready: true } | { result: FleetResult } | { error: string };

/**
 * The fleet's worker thread, started once and given one job after another: `load` hands it the
 * bodies (not timed), `go` sends them and answers the summed results and the wall time from the
 * first request to the last answer.
 */
export class Fleet {
  private readonly worker = new Worker(__filename, { workerData: { fleet: true } });
  private waiting: { resolve: (message: FleetMessage) => void; reject: (error: Error) => void } | undefined;

  constructor() {
    this.worker.on('message', (message: FleetMessage) => this.settle((waiting) => waiting.resolve(message)));
    this.worker.on('error', (error) => this.settle((waiting) => waiting.reject(error)));
    this.worker.on('exit', (code) => this.settle((waiting) => waiting.reject(new Error(`fleet worker exited with ${code}`))));
  }

  async load(job: FleetJob): Promise<void> {
    await this.ask(job);
  }

  async go(): Promise<FleetResult & { ms: number }> {
    const started = performance.now();
    const message = await this.ask('go');
    const ms = performance.now() - started;
    if ('error' in message) throw new Error(message.error);
    if (!('result' in message)) throw new Error('fleet answered go without a result');
    return { ...message.result, ms };
  }

  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private ask(message: FleetJob | 'go'): Promise<FleetMessage> {
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  private settle(answer: (waiting: NonNullable<Fleet['waiting']>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) answer(waiting);
  }
}

if (!isMainThread && (workerData as { fleet?: boolean } | null)?.fleet) {
  const port = parentPort!;
  let job: FleetJob | undefined;
  let devices: EncodedDevice[] = [];
  port.on('message', (message: FleetJob | 'go') => {
    if (message !== 'go') {
      job = message;
      devices = encoded(job);
      port.postMessage({ ready: true });
      return;
    }
    const sending = devices;
    devices = [];
    sendAll(job!, sending).then(
      (result) => port.postMessage({ result }),
      (error: unknown) => port.postMessage({ error: (error as Error).stack ?? String(error) }),
    );
  });
}
