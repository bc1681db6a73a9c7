import { Readable } from 'node:stream';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { type AccessTokenVerifier, AuthException, type AuthenticatedUser } from '@fieldforce/auth';
import { type RateLimitDecision, type RateLimitRule, type RateLimiter } from '../rate-limit/rate-limiter';
import { type BodyLimits, REFUSED_BODY_DRAIN_BYTES, bodyLimitFor, declaresMoreThan, limitBodyStream } from './body-limit';
import { GatewayException } from './gateway.exception';
import { sendInternalError, sendProblem } from './problem-reply';
import { pathOf, publicRouteOf } from './public-routes';

export interface RateLimits {
  userPerMinute: number;
  ipPerMinute: number;
  loginPerMinute: number;
}

export interface AdmissionOptions {
  verifier: Pick<AccessTokenVerifier, 'authenticate'>;
  rateLimiter: Pick<RateLimiter, 'consume'>;
  rateLimits: RateLimits;
  bodyLimits: BodyLimits;
}

function rateLimitRules(ip: string, login: boolean, user: AuthenticatedUser | undefined, limits: RateLimits): RateLimitRule[] {
  const rules: RateLimitRule[] = [{ name: 'ip', subject: ip, limit: limits.ipPerMinute }];
  if (login) rules.push({ name: 'login', subject: ip, limit: limits.loginPerMinute });
  // Keyed by tenant and user: users of different tenants never share a budget.
  if (user) rules.push({ name: 'user', subject: `${user.tenantId}:${user.userId}`, limit: limits.userPerMinute });
  return rules;
}

function setRateLimitHeaders(reply: FastifyReply, decision: RateLimitDecision): void {
  void reply.headers({
    'ratelimit-limit': decision.limit,
    'ratelimit-remaining': decision.remaining,
    'ratelimit-reset': decision.resetSeconds,
  });
}

/**
 * Decides whether a proxied request may reach its upstream, in Fastify's `onRequest` (no Nest
 * pipeline on the proxy's fast path): announced body size, bearer token (except public routes),
 * then one Redis call for the per-IP, login and per-user rate limits. Requests with a bad token
 * count against their IP too. The Authorization header itself travels on unchanged: services verify again.
 */
export class Admission {
  private readonly exceeded = new WeakSet<FastifyRequest>();

  constructor(private readonly options: AdmissionOptions) {}

  /** The `onRequest` hook: answers 413, 401, 429 (or 503 without signing keys) itself, or lets the request through. */
  readonly onRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    try {
      const path = pathOf(request.url);
      const limit = bodyLimitFor(path, this.options.bodyLimits);
      const contentLength = request.headers['content-length'];
      if (declaresMoreThan(contentLength, limit)) {
        // Node reads the unread body to its end and drops it once the answer is sent, unless the connection closes.
        if (declaresMoreThan(contentLength, REFUSED_BODY_DRAIN_BYTES)) void reply.header('connection', 'close');
        return sendProblem(reply, GatewayException.bodyTooLarge(limit));
      }
      const route = publicRouteOf(request.method, path);
      let user: AuthenticatedUser | undefined;
      let authFailure: AuthException | undefined;
      if (route === undefined) {
        try {
          user = await this.options.verifier.authenticate(request.headers.authorization);
        } catch (error) {
          if (!(error instanceof AuthException)) throw error;
          authFailure = error;
        }
      }
      const decision = await this.options.rateLimiter.consume(rateLimitRules(request.ip, route === 'login', user, this.options.rateLimits));
      if (decision !== undefined) setRateLimitHeaders(reply, decision);
      if (decision?.admitted === false) {
        void reply.header('retry-after', decision.resetSeconds);
        return sendProblem(reply, GatewayException.rateLimited(decision.rule, decision.resetSeconds));
      }
      if (authFailure) return sendProblem(reply, authFailure);
      return undefined;
    } catch (error) {
      return sendInternalError(reply, error);
    }
  };

  /**
   * The `preValidation` hook: a body without content-length (chunked) is counted while it streams
   * to the upstream, which is aborted once the body outgrows its route's limit.
   */
  readonly preValidation = async (request: FastifyRequest): Promise<void> => {
    if (!(request.body instanceof Readable) || request.headers['content-length'] !== undefined) return;
    const limit = bodyLimitFor(pathOf(request.url), this.options.bodyLimits);
    request.body = limitBodyStream(request.body, limit, () => this.exceeded.add(request));
  };

  /** When the upstream request failed because the body outgrew its limit: answers 413 and returns true. */
  answerIfBodyExceeded(reply: FastifyReply): boolean {
    if (!this.exceeded.has(reply.request)) return false;
    sendProblem(reply, GatewayException.bodyTooLarge(bodyLimitFor(pathOf(reply.request.url), this.options.bodyLimits)));
    return true;
  }
}
