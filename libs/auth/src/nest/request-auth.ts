import { type AccessPolicy } from '../policy/access-policy';
import { type AuthenticatedUser } from '../token/authenticated-user';

/** What the guard established about a request. */
export interface RequestAuth {
  user: AuthenticatedUser;
  policy: AccessPolicy;
}

// Keyed by the request object, so nothing is added to Fastify's request type.
const authByRequest = new WeakMap<object, RequestAuth>();

export function setRequestAuth(request: object, auth: RequestAuth): void {
  authByRequest.set(request, auth);
}

/** The authentication of a request; undefined on public routes. */
export function requestAuthOf(request: object): RequestAuth | undefined {
  return authByRequest.get(request);
}
