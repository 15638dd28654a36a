import { ProxyControl } from './control.ts';
import { LocalStackError } from './errors.ts';
import { startMotoServer } from './moto-server.ts';
import { startFidelityProxy } from './proxy/server.ts';
import { type AwsCredentials, LOCAL_SERVICES, type LocalService, type LocalStackInfo } from './types.ts';

export const DEFAULT_REGION = 'cn-north-1';
/** moto's default account; the seeded organization's management account. */
export const MANAGEMENT_ACCOUNT_ID = '123456789012';
/** Dummy credentials of the management account (moto maps unknown keys to its default account). */
export const LOCAL_CREDENTIALS: AwsCredentials = {
  accessKeyId: 'AKIALOCALSTACK000001',
  secretAccessKey: 'local-stack-secret',
};

/** Spreadable into any SDK v3 client constructor: `new IAMClient(stack.clientConfig('iam'))`. */
export interface LocalClientConfig {
  endpoint: string;
  region: string;
  credentials: AwsCredentials;
  /** Set for S3: buckets in the path, not in a host name. */
  forcePathStyle?: boolean;
  maxAttempts?: number;
}

/** What any process (test worker, demo, benchmark) can do with a running stack. */
export interface LocalStackClient {
  info: LocalStackInfo;
  region: string;
  endpoints: Record<LocalService, string>;
  credentials: AwsCredentials;
  control: ProxyControl;
  clientConfig(service?: LocalService, overrides?: Partial<LocalClientConfig>): LocalClientConfig;
  /** Reset moto and the proxy (rules, counters); every account starts empty. */
  reset(): Promise<void>;
  /**
   * Seed moto's generator of identifiers: the same calls in the same order then get the same
   * account, OU, root and organization ids. Call right after `reset()`, before anything else.
   */
  seedIdentifiers(seed: number): Promise<void>;
}

/** A stack this process started and must stop. */
export interface LocalStack extends LocalStackClient {
  stop(): Promise<void>;
}

export interface StartLocalStackOptions {
  region?: string;
  python?: string;
  motoPort?: number;
  proxyPort?: number;
}

export async function startLocalStack(options: StartLocalStackOptions = {}): Promise<LocalStack> {
  const region = options.region ?? DEFAULT_REGION;
  const moto = await startMotoServer({ python: options.python, port: options.motoPort });
  try {
    const proxy = await startFidelityProxy({ motoUrl: moto.url, region, port: options.proxyPort });
    const info = describeStack(proxy.url, moto.url, region);
    const stop = async () => {
      await proxy.close();
      await moto.stop();
    };
    return { ...connectLocalStack(info), stop };
  } catch (error) {
    await moto.stop();
    throw error;
  }
}

function describeStack(proxyUrl: string, motoUrl: string, region: string): LocalStackInfo {
  const endpoints = Object.fromEntries(LOCAL_SERVICES.map((service) => [service, proxyUrl])) as Record<
    LocalService,
    string
  >;
  return {
    ...endpoints,
    control: `${proxyUrl}/__local-aws`,
    moto: motoUrl,
    account: MANAGEMENT_ACCOUNT_ID,
    region,
  };
}

/** Attach to a stack started elsewhere (e.g. by vitest global setup) from its JSON description. */
export function connectLocalStack(info: LocalStackInfo): LocalStackClient {
  const endpoints = Object.fromEntries(LOCAL_SERVICES.map((service) => [service, info[service]])) as Record<
    LocalService,
    string
  >;
  const control = new ProxyControl(info.control);
  return {
    info,
    region: info.region,
    endpoints,
    credentials: LOCAL_CREDENTIALS,
    control,
    clientConfig: (service, overrides = {}) => ({
      endpoint: service ? endpoints[service] : info.iam,
      region: info.region,
      credentials: LOCAL_CREDENTIALS,
      ...(service === 's3' ? { forcePathStyle: true } : {}),
      ...overrides,
    }),
    reset: () => control.reset(),
    seedIdentifiers: async (seed) => {
      const response = await fetch(`${info.moto}/moto-api/seed?a=${seed}`, { method: 'POST' });
      if (!response.ok)
        throw new LocalStackError('local-stack.control-failed', `moto seed: ${response.status}`);
    },
  };
}
