import type { IncomingHttpHeaders } from 'node:http';
import { lambdaOperationName } from './lambda-operation.ts';
import { s3OperationName } from './s3-operation.ts';

/** How a service encodes requests and errors on the wire. */
export type WireProtocol = 'query' | 'json' | 'rest-xml';

/** What the proxy needs to know about one AWS request, read without verifying its signature. */
export interface RequestInfo {
  service: string;
  region: string;
  accessKeyId: string | undefined;
  protocol: WireProtocol;
  operation: string;
  /** Form parameters of a Query-protocol request (empty otherwise). */
  params: URLSearchParams;
}

// SigV4: `Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request`.
const CREDENTIAL_SCOPE = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/;

export function describeRequest(
  method: string,
  url: URL,
  headers: IncomingHttpHeaders,
  body: Buffer,
  defaultRegion: string,
): RequestInfo {
  const scope = credentialScope(url, headers);
  const service = scope?.service ?? 'unknown';
  const target = headerValue(headers, 'x-amz-target');
  const contentType = headerValue(headers, 'content-type') ?? '';
  const base = { service, region: scope?.region ?? defaultRegion, accessKeyId: scope?.accessKeyId };
  if (target) {
    return {
      ...base,
      protocol: 'json',
      operation: target.slice(target.lastIndexOf('.') + 1),
      params: new URLSearchParams(),
    };
  }
  if (service === 'lambda') {
    return {
      ...base,
      protocol: 'json',
      operation: lambdaOperationName(method, url),
      params: new URLSearchParams(),
    };
  }
  if (contentType.startsWith('application/x-www-form-urlencoded') || url.searchParams.has('Action')) {
    const params = new URLSearchParams(body.length > 0 ? body.toString('utf8') : url.search);
    return { ...base, protocol: 'query', operation: params.get('Action') ?? 'unknown', params };
  }
  return {
    ...base,
    protocol: 'rest-xml',
    operation: s3OperationName(method, url, headers),
    params: new URLSearchParams(),
  };
}

function credentialScope(
  url: URL,
  headers: IncomingHttpHeaders,
): { accessKeyId: string; region: string; service: string } | undefined {
  const source =
    headerValue(headers, 'authorization') ?? `Credential=${url.searchParams.get('X-Amz-Credential') ?? ''}`;
  const match = CREDENTIAL_SCOPE.exec(source);
  if (!match) return undefined;
  const [, accessKeyId = '', region = '', service = ''] = match;
  return { accessKeyId, region, service };
}

export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
