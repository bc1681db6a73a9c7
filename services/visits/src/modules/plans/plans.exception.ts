import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum PlanErrorCode {
  /** The period ends before it starts, or spans more days than one generation may plan. */
  InvalidPeriod = 'PLAN_INVALID_PERIOD',
}

export class PlanException extends DomainException<PlanErrorCode> {
  static endsBeforeStart(from: string, to: string): PlanException {
    return new PlanException(PlanErrorCode.InvalidPeriod, `the period ends (${to}) before it starts (${from})`, {
      errors: [{ field: 'to', message: 'must not be before from' }],
    });
  }

  static tooLong(days: number, maxDays: number): PlanException {
    return new PlanException(PlanErrorCode.InvalidPeriod, `the period spans ${days} days; one generation plans at most ${maxDays}`, {
      errors: [{ field: 'to', message: `must be at most ${maxDays - 1} days after from` }],
      details: { days, maxDays },
    });
  }
}

export const planProblems = mapDomainErrors(PlanException, (code: PlanErrorCode) => {
  switch (code) {
    case PlanErrorCode.InvalidPeriod:
      return { status: 422, title: 'Invalid planning period' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped plan error code ${String(unmapped)}`);
    }
  }
});
