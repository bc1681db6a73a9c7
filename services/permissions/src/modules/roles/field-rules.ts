import { type FieldRule } from '@fieldforce/contracts';

/**
 * Field rules as stored: fields sorted and without duplicates, every unreadable field also listed
 * as unwritable (the contract's rule, made explicit), resources without rules left out.
 */
export function normaliseFieldRules(rules: Record<string, FieldRule>): Record<string, FieldRule> {
  const normalised: Record<string, FieldRule> = {};
  for (const resource of Object.keys(rules).sort()) {
    const rule = rules[resource];
    if (!rule) continue;
    const unreadable = [...new Set(rule.unreadable)].sort();
    const unwritable = [...new Set([...rule.unwritable, ...rule.unreadable])].sort();
    if (unreadable.length > 0 || unwritable.length > 0) normalised[resource] = { unreadable, unwritable };
  }
  return normalised;
}
