import { type IncomingMessage, type ServerResponse } from 'node:http';
import { Injectable, type NestMiddleware } from '@nestjs/common';
import { TraceContext } from './trace-context';

/** Makes the request's trace context current for everything the request handler does. */
@Injectable()
export class TraceMiddleware implements NestMiddleware<IncomingMessage, ServerResponse> {
  use(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
    TraceContext.run(TraceContext.ofRequest(request), next);
  }
}
