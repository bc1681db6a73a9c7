import { DomainException, mapDomainErrors } from '@fieldforce/platform';

export enum RouteErrorCode {
  /** A caller whose scope is their own records asked for someone else's route. */
  AssigneeOutOfScope = 'ROUTE_ASSIGNEE_OUT_OF_SCOPE',
  /** The query names no real calendar day or instant. */
  InvalidQuery = 'ROUTE_INVALID_QUERY',
}

export class RouteException extends DomainException<RouteErrorCode> {
  static assigneeOutOfScope(assigneeId: string): RouteException {
    return new RouteException(RouteErrorCode.AssigneeOutOfScope, `your data scope is your own tasks: you may plan your own route, not that of ${assigneeId}`, {
      errors: [{ field: 'assigneeId', message: 'must be your own user id' }],
    });
  }

  static invalidQuery(field: string, message: string): RouteException {
    return new RouteException(RouteErrorCode.InvalidQuery, `${field} ${message}`, { errors: [{ field, message }] });
  }
}

export const routeProblems = mapDomainErrors(RouteException, (code: RouteErrorCode) => {
  switch (code) {
    case RouteErrorCode.AssigneeOutOfScope:
      return { status: 403, title: 'Route outside your scope' };
    case RouteErrorCode.InvalidQuery:
      return { status: 400, title: 'Invalid route query' };
    default: {
      const unmapped: never = code;
      throw new TypeError(`unmapped route error code ${String(unmapped)}`);
    }
  }
});
