/** The default port of every service (ARCHITECTURE.md), shared by the dev runner and the gateway's defaults. */
export const SERVICE_PORTS = {
  permissions: 3001,
  customers: 3002,
  visits: 3003,
  checkins: 3004,
  sync: 3005,
  gateway: 3000,
} as const;

export type ServiceName = keyof typeof SERVICE_PORTS;
