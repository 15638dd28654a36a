import { randomUUID } from 'node:crypto';
import type { WireProtocol } from './request-info.ts';

export interface AwsError {
  code: string;
  message: string;
  status: number;
}

/** A complete HTTP answer produced by the proxy instead of, or derived from, moto's. */
export interface ProxyResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** Render an error the way the service's protocol does, so SDK v3 parses code, message and status. */
export function awsErrorResponse(
  protocol: WireProtocol,
  error: AwsError,
  jsonContentType?: string,
): ProxyResponse {
  const requestId = randomUUID();
  if (protocol === 'json') {
    const body = JSON.stringify({ __type: error.code, message: error.message });
    return respond(error.status, jsonContentType ?? 'application/x-amz-json-1.0', body, requestId);
  }
  const message = escapeXml(error.message);
  const body =
    protocol === 'query'
      ? `<ErrorResponse><Error><Type>Sender</Type><Code>${error.code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${message}</Message><RequestId>${requestId}</RequestId></Error>`;
  return respond(error.status, 'text/xml', body, requestId);
}

/** Error a throttled call gets, in the code each protocol's services use. */
export function throttlingError(protocol: WireProtocol): AwsError {
  if (protocol === 'rest-xml')
    return { code: 'SlowDown', message: 'Please reduce your request rate.', status: 503 };
  return {
    code: protocol === 'json' ? 'ThrottlingException' : 'Throttling',
    message: 'Rate exceeded',
    status: 400,
  };
}

function respond(status: number, contentType: string, body: string, requestId: string): ProxyResponse {
  return {
    status,
    headers: { 'content-type': contentType, 'x-amzn-requestid': requestId },
    body: Buffer.from(body),
  };
}

export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}

export function unescapeXml(text: string): string {
  return text
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/** Text of the first `<tag>` element in an XML document (moto's responses are flat enough for this). */
export function xmlValue(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : unescapeXml(match[1]);
}
