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

function post(agent: http.Agent, url: URL, token: string, body: string): Promise<IngestAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
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

async function sendAll(job: FleetJob): Promise<FleetResult> {
  const url = new URL(PATH, job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.devicesInFlight });
  const result: FleetResult = { requests: 0, accepted: 0, duplicates: 0, rejected: 0 };
  let nextDevice = 0;
  const uploader = async (): Promise<void> => {
    while (nextDevice < job.devices.length) {
      const device = job.devices[nextDevice++]!;
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
    await Promise.all(Array.from({ length: Math.min(job.devicesInFlight, job.devices.length) }, uploader));
  } finally {
    agent.destroy();
  }
  return result;
}

/**
 * Sends the job's batches from a worker thread; answers the summed results and the wall time from
 * the first request to the last answer (handing the bodies to the worker is not timed).
 */
export async function runFleet(job: FleetJob): Promise<FleetResult & { ms: number }> {
  const worker = new Worker(__filename, { workerData: { fleet: true } });
  try {
    return await new Promise((resolve, reject) => {
      let startedAt = 0;
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`fleet worker exited with ${code}`)));
      worker.on('message', (message: { ready: true } | { result: FleetResult } | { error: string }) => {
        if ('ready' in message) {
          startedAt = performance.now();
          worker.postMessage('go');
        } else if ('result' in message) {
          resolve({ ...message.result, ms: performance.now() - startedAt });
        } else {
          reject(new Error(message.error));
        }
      });
      worker.postMessage(job);
    });
  } finally {
    await worker.terminate();
  }
}

if (!isMainThread && (workerData as { fleet?: boolean } | null)?.fleet) {
  const port = parentPort!;
  let job: FleetJob | undefined;
  port.on('message', (message: FleetJob | 'go') => {
    if (message !== 'go') {
      job = message;
      port.postMessage({ ready: true });
      return;
    }
    sendAll(job!).then(
      (result) => port.postMessage({ result }),
      (error: unknown) => port.postMessage({ error: (error as Error).stack ?? String(error) }),
    );
  });
}
