/**
 * The proxy's own calls to moto, made as a chosen account: moto reads the account from the
 * `x-moto-account-id` header, the partition from the region in the credential scope, and does not
 * verify signatures. These calls bypass counters, faults and throttling.
 */
export interface MotoCallTarget {
  motoUrl: string;
  service: string;
  region: string;
  /** Account to act in; absent → the account moto maps `accessKeyId` to. */
  account?: string;
  accessKeyId?: string;
}

export interface MotoAnswer {
  status: number;
  body: string;
}

const QUERY_VERSIONS: Record<string, string> = { iam: '2010-05-08', sts: '2011-06-15' };

export async function motoQuery(
  target: MotoCallTarget,
  action: string,
  params: Record<string, string> = {},
): Promise<MotoAnswer> {
  const form = new URLSearchParams({
    Action: action,
    Version: QUERY_VERSIONS[target.service] ?? '',
    ...params,
  });
  return send(
    target,
    { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    form.toString(),
  );
}

export async function motoJson(
  target: MotoCallTarget,
  amzTarget: string,
  payload: unknown,
  jsonVersion: '1.0' | '1.1' = '1.1',
): Promise<MotoAnswer> {
  return send(
    target,
    { 'content-type': `application/x-amz-json-${jsonVersion}`, 'x-amz-target': amzTarget },
    JSON.stringify(payload),
  );
}

/** A REST call (S3): `path` is the request path with its query string, e.g. `/bucket?notification`. */
export async function motoRest(target: MotoCallTarget, method: string, path: string): Promise<MotoAnswer> {
  return send(target, {}, undefined, { method, path });
}

async function send(
  target: MotoCallTarget,
  headers: Record<string, string>,
  body: string | undefined,
  request: { method: string; path: string } = { method: 'POST', path: '/' },
): Promise<MotoAnswer> {
  const accessKeyId = target.accessKeyId ?? 'AKIALOCALPROXY000000';
  const scope = `${accessKeyId}/20200101/${target.region}/${target.service}/aws4_request`;
  const response = await fetch(`${target.motoUrl}${request.path}`, {
    method: request.method,
    headers: {
      ...headers,
      authorization: `AWS4-HMAC-SHA256 Credential=${scope}, SignedHeaders=host, Signature=0`,
      ...(target.account ? { 'x-moto-account-id': target.account } : {}),
    },
    body,
  });
  return { status: response.status, body: await response.text() };
}
