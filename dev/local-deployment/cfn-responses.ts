/**
 * Stands in for the pre-signed S3 URL CloudFormation gives a custom resource: a local HTTP server
 * that records every PUT, so a test can read the answer a stack would have received.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The body CloudFormation expects from a custom resource. */
export interface CfnResponse {
  Status: 'SUCCESS' | 'FAILED';
  Reason: string;
  PhysicalResourceId: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  Data?: Record<string, string>;
}

export interface CapturedPut {
  path: string;
  contentType: string | undefined;
  body: CfnResponse;
}

export interface CfnResponseServer {
  /** A response URL unique to one request, with a query string like a pre-signed URL. */
  urlFor(requestId: string): string;
  /** Every PUT received for the request, in order (a stack reads the first). */
  responsesFor(requestId: string): CapturedPut[];
  close(): Promise<void>;
}

export async function startCfnResponseServer(): Promise<CfnResponseServer> {
  const received: CapturedPut[] = [];
  const server = createServer((request, response) => {
    void record(request, response, received);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pathFor = (requestId: string) => `/cloudformation-custom-resource-response/${requestId}`;
  return {
    urlFor: (requestId) =>
      `http://127.0.0.1:${port}${pathFor(requestId)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=7200`,
    responsesFor: (requestId) => received.filter((put) => put.path === pathFor(requestId)),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function record(request: IncomingMessage, response: ServerResponse, received: CapturedPut[]) {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (request.method !== 'PUT') {
    response.writeHead(405).end();
    return;
  }
  received.push({
    path: (request.url ?? '').split('?')[0] ?? '',
    contentType: request.headers['content-type'],
    body: JSON.parse(text) as CfnResponse,
  });
  response.writeHead(200).end();
}
