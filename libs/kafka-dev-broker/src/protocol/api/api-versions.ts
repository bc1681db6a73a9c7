import { array, int16, int32, struct, type Infer } from '../schema';

/** ApiVersions v0–2 requests have an empty body. */
export const apiVersionsRequest = struct({});

const apiVersionRange = struct({ apiKey: int16, minVersion: int16, maxVersion: int16 });

/** ApiVersions v0 response, also the shape of the UNSUPPORTED_VERSION answer to newer versions. */
export const apiVersionsResponseV0 = struct({ errorCode: int16, apiVersions: array(apiVersionRange) });

/** ApiVersions v1 and v2 responses add throttle_time_ms. */
export const apiVersionsResponseV1 = struct({
  errorCode: int16,
  apiVersions: array(apiVersionRange),
  throttleTimeMs: int32,
});
export type ApiVersionsResponse = Infer<typeof apiVersionsResponseV1>;
