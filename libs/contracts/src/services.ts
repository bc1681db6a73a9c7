/** The deployable services of the platform; the name appears in event sources and topic names. */
export const SERVICE_NAMES = ['gateway', 'permissions', 'customers', 'visits', 'checkins', 'sync'] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

/** True when the string names one of the platform's services. */
export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
