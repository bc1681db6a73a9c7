import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum CoverageErrorCode {
  /** The period ends before it starts, or is longer than one report covers. */
  InvalidPeriod = 'COVERAGE_INVALID_PERIOD',
}

export class CoverageException extends DomainException<CoverageErrorCode> {
  static endsBeforeStart(from: string, to: string): CoverageException {
    return new CoverageException(CoverageErrorCode.InvalidPeriod, `the period ends (${to}) before it starts (${from})`, {
      errors: [{ field: 'to', message: 'must not be before from' }],
    });
  }

  static tooLong(days: number, maxDays: number): CoverageException {
    return new CoverageException(CoverageErrorCode.InvalidPeriod, `the period spans ${days} days; one report covers at most ${maxDays}`, {
      errors: [{ field: 'to', message: `must be at most ${maxDays - 1} days after from` }],
      details: { days, maxDays },
    });
  }
}

export const coverageProblems = mapDomainErrors(CoverageException, (code: CoverageErrorCode) => {
  switch (code) {
    case CoverageErrorCode.InvalidPeriod:
      return { status: 422, title: 'Invalid report period' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped coverage error code ${String(unmapped)}`);
    }
  }
});
