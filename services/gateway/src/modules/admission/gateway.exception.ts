import { DomainException, type ProblemMapping } from '@fieldforce/platform';

export enum GatewayErrorCode {
  /** A per-user, per-IP or login rate limit is used up. */
  RateLimited = 'RATE_LIMITED',
  /** The request body is larger than its route allows. */
  BodyTooLarge = 'BODY_TOO_LARGE',
  /** The owning service did not accept the connection or failed mid-request. */
  UpstreamUnavailable = 'UPSTREAM_UNAVAILABLE',
  /** The owning service did not answer in time. */
  UpstreamTimeout = 'UPSTREAM_TIMEOUT',
}

/** Which rate limit a request used up. */
export type RateLimitName = 'user' | 'ip' | 'login';

/** What the gateway itself refuses, before or instead of an upstream's answer. */
export class GatewayException extends DomainException<GatewayErrorCode> {
  static rateLimited(limit: RateLimitName, retryAfterSeconds: number): GatewayException {
    const whose = { user: 'your user', ip: 'your IP address', login: 'logins from your IP address' }[limit];
    return new GatewayException(GatewayErrorCode.RateLimited, `too many requests for ${whose}: retry in ${retryAfterSeconds} s`, {
      details: { limit, retryAfterSeconds },
    });
  }

  static bodyTooLarge(limitBytes: number): GatewayException {
    return new GatewayException(GatewayErrorCode.BodyTooLarge, `the request body exceeds the ${limitBytes} bytes this route accepts`, {
      details: { limitBytes },
    });
  }

  static upstreamUnavailable(service: string, cause: unknown): GatewayException {
    return new GatewayException(
      GatewayErrorCode.UpstreamUnavailable,
      `the ${service} service is not reachable; other services are not affected`,
      { details: { service }, cause },
    );
  }

  static upstreamTimeout(service: string, cause: unknown): GatewayException {
    return new GatewayException(GatewayErrorCode.UpstreamTimeout, `the ${service} service did not answer in time; other services are not affected`, {
      details: { service },
      cause,
    });
  }
}

/** How the gateway's codes map to HTTP. */
export function gatewayProblem(code: GatewayErrorCode): ProblemMapping {
  switch (code) {
    case GatewayErrorCode.RateLimited:
      return { status: 429, title: 'Too many requests' };
    case GatewayErrorCode.BodyTooLarge:
      return { status: 413, title: 'Request body too large' };
    case GatewayErrorCode.UpstreamUnavailable:
      return { status: 503, title: 'Service unavailable' };
    case GatewayErrorCode.UpstreamTimeout:
      return { status: 504, title: 'Upstream timeout' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped gateway error code ${String(unmapped)}`);
    }
  }
}
