import { type FastifyRequest } from 'fastify';
import { type Caller } from './caller';

/** Route metadata: the action the caller's roles must grant. */
export const REQUIRED_ACTION = 'permissions:required-action';
/** Route metadata: open to a token whose user must still enrol in TOTP. */
export const ALLOW_TOTP_ENROLMENT = 'permissions:allow-totp-enrolment';

/** The request property the guard stores the caller in. */
export const CALLER = Symbol('caller');
export type RequestWithCaller = FastifyRequest & { [CALLER]?: Caller };
