import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Injectable } from '@nestjs/common';
import { InjectConfig, OPENAPI_PATH } from '@fieldforce/platform';
import { type GatewayConfig } from '../../config/gateway.config';
import { UPSTREAM_SERVICES, type UpstreamService } from '../proxy/route-table';
import { type OpenApiDocument, mergeOpenApiDocuments } from './openapi-merge';

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const REFRESH_AFTER_MS = 30_000;
const FETCH_TIMEOUT_MS = 2_000;

/** The Swagger UI files `/docs` needs, served from the swagger-ui-dist package. */
export const SWAGGER_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
} as const;
export type SwaggerAsset = keyof typeof SWAGGER_ASSETS;

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fieldforce API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/docs/openapi.json', dom_id: '#swagger-ui', presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });</script>
</body></html>`;

/**
 * The platform's API documentation: every service's own OpenAPI document, fetched and merged.
 * A service that is down keeps its last known document, and is listed as unavailable.
 */
@Injectable()
export class ApiDocsService {
  private readonly lastKnown = new Map<UpstreamService, OpenApiDocument>();
  private merged?: { document: OpenApiDocument; at: number };
  private readonly assets = new Map<SwaggerAsset, Buffer>();

  constructor(@InjectConfig() private readonly config: GatewayConfig) {}

  page(): string {
    return DOCS_PAGE;
  }

  asset(name: SwaggerAsset): { body: Buffer; contentType: string } {
    let body = this.assets.get(name);
    if (!body) {
      body = readFileSync(path.join(SWAGGER_UI_DIR, name));
      this.assets.set(name, body);
    }
    return { body, contentType: SWAGGER_ASSETS[name] };
  }

  async document(): Promise<OpenApiDocument> {
    if (this.merged && Date.now() - this.merged.at < REFRESH_AFTER_MS) return this.merged.document;
    const unavailable: UpstreamService[] = [];
    await Promise.all(
      UPSTREAM_SERVICES.map(async (service) => {
        try {
          const response = await fetch(this.config.upstreams[service] + OPENAPI_PATH, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
          if (!response.ok) throw new Error(`status ${response.status}`);
          this.lastKnown.set(service, (await response.json()) as OpenApiDocument);
        } catch {
          unavailable.push(service);
        }
      }),
    );
    const document = mergeOpenApiDocuments(
      {
        title: 'fieldforce API',
        version: '1',
        description: 'Every route of every service, as the gateway exposes it under /api/v1.',
        'x-unavailable-services': unavailable,
      },
      UPSTREAM_SERVICES.flatMap((service) => {
        const known = this.lastKnown.get(service);
        return known ? [{ service, document: known }] : [];
      }),
    );
    // Only a complete merge is cached, so a service that comes up appears at the next request.
    if (unavailable.length === 0) this.merged = { document, at: Date.now() };
    return document;
  }
}
