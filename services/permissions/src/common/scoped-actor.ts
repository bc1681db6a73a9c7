import { type EffectivePolicy, isUnderOrgPath } from '@fieldforce/contracts';
import { type Actor } from './actor';

/** An actor with the reach of their roles: what they may see and manage is bounded by scope and org path. */
export interface ScopedActor extends Actor {
  userId: string;
  orgPath: string;
  policy: Pick<EffectivePolicy, 'scope' | 'rank' | 'actions'>;
}

/**
 * True when the actor's scope reaches records at `path`: `all` the whole tenant, `team` and
 * `region` their own unit's subtree, `own` no org unit (only their own records).
 */
export function scopeReaches(actor: Pick<ScopedActor, 'orgPath' | 'policy'>, path: string): boolean {
  switch (actor.policy.scope) {
    case 'all':
      return true;
    case 'team':
    case 'region':
      return isUnderOrgPath(path, actor.orgPath);
    case 'own':
      return false;
    default: {
      const unknownScope: never = actor.policy.scope;
      throw new TypeError(`unknown data scope ${String(unknownScope)}`);
    }
  }
}
