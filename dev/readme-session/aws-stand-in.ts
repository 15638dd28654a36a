/**
 * The README session's `aws` lines, performed with the SDK so the session runs where the AWS CLI
 * is not installed: the same requests, with the credentials the AWS CLI would pick (`--profile`
 * from AWS_CONFIG_FILE, assuming its `role_arn` from its `source_profile`; else the environment),
 * printing what the AWS CLI prints for them. Only the forms the session uses are accepted; any
 * other line is refused, so the README cannot grow a command nobody checks.
 *
 *   aws s3 cp FILE s3://BUCKET/KEY
 *   aws s3 rm s3://BUCKET/KEY
 *   aws iam create-role --role-name N --assume-role-policy-document JSON --query PATH --output text
 *   aws iam get-role --role-name N --query PATH --output text
 */
import { readFile } from 'node:fs/promises';
import { CreateRoleCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { DeleteObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { loadSharedConfigFiles } from '@smithy/core/config';
import type { AwsCredentials } from '../local-aws/types.ts';

interface Target {
  region: string;
  endpoint: string;
  credentials: AwsCredentials;
}

class StandInRefusal extends Error {}

type Options = Record<string, string>;

/** `--name value` pairs after the positional words. */
function split(argv: string[]): { words: string[]; options: Options } {
  const words: string[] = [];
  const options: Options = {};
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index] ?? '';
    if (argument.startsWith('--')) {
      options[argument.slice(2)] = argv[index + 1] ?? '';
      index += 1;
    } else words.push(argument);
  }
  return { words, options };
}

function keysOf(section: Record<string, string | undefined> | undefined): AwsCredentials | undefined {
  if (!section?.aws_access_key_id || !section.aws_secret_access_key) return undefined;
  return {
    accessKeyId: section.aws_access_key_id,
    secretAccessKey: section.aws_secret_access_key,
    ...(section.aws_session_token ? { sessionToken: section.aws_session_token } : {}),
  };
}

async function profileTarget(name: string): Promise<Target> {
  const { configFile } = await loadSharedConfigFiles({
    configFilepath: process.env.AWS_CONFIG_FILE ?? '',
    filepath: '/dev/null',
    ignoreCache: true,
  });
  const profile = configFile[name];
  if (!profile) throw new StandInRefusal(`The config profile (${name}) could not be found`);
  const region = profile.region ?? '';
  const endpoint = profile.endpoint_url ?? '';
  const own = keysOf(profile);
  if (own) return { region, endpoint, credentials: own };
  const source = keysOf(configFile[profile.source_profile ?? '']);
  if (!profile.role_arn || !source)
    throw new StandInRefusal(`profile ${name} has neither keys nor a role to assume`);
  const sts = new STSClient({ region, endpoint, credentials: source });
  const { Credentials } = await sts.send(
    new AssumeRoleCommand({
      RoleArn: profile.role_arn,
      RoleSessionName: profile.role_session_name ?? 'aws-cli',
    }),
  );
  return {
    region,
    endpoint,
    credentials: {
      accessKeyId: Credentials?.AccessKeyId ?? '',
      secretAccessKey: Credentials?.SecretAccessKey ?? '',
      sessionToken: Credentials?.SessionToken ?? '',
    },
  };
}

function environmentTarget(): Target {
  const env = process.env;
  return {
    region: env.AWS_DEFAULT_REGION ?? env.AWS_REGION ?? '',
    endpoint: env.AWS_ENDPOINT_URL ?? '',
    credentials: {
      accessKeyId: env.AWS_ACCESS_KEY_ID ?? '',
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '',
      ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    },
  };
}

function s3Location(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(url);
  if (!match) throw new StandInRefusal(`${url} is not s3://bucket/key`);
  return { bucket: match[1] ?? '', key: match[2] ?? '' };
}

/** `--query A.B.C --output text`: the value at that path, as the AWS CLI prints text. */
function selected(response: unknown, options: Options): string {
  if (!options.query || options.output !== 'text')
    throw new StandInRefusal('iam lines must select their output with --query PATH --output text');
  const value = options.query
    .split('.')
    .reduce<unknown>((node, name) => (node as Record<string, unknown> | undefined)?.[name], response);
  return value === undefined ? 'None' : String(value);
}

async function run(argv: string[]): Promise<string> {
  const { words, options } = split(argv);
  const target = options.profile ? await profileTarget(options.profile) : environmentTarget();
  const command = words.slice(0, 2).join(' ');
  if (command === 's3 cp' && words.length === 4) {
    const [, , file = '', destination = ''] = words;
    const { bucket, key } = s3Location(destination);
    const s3 = new S3Client({ ...target, forcePathStyle: true });
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: await readFile(file) }));
    return `upload: ${file} to ${destination}`;
  }
  if (command === 's3 rm' && words.length === 3) {
    const destination = words[2] ?? '';
    const { bucket, key } = s3Location(destination);
    await new S3Client({ ...target, forcePathStyle: true }).send(
      new DeleteObjectCommand({ Bucket: bucket, Key: key }),
    );
    return `delete: ${destination}`;
  }
  const iam = new IAMClient(target);
  if (command === 'iam create-role' && words.length === 2)
    return selected(
      await iam.send(
        new CreateRoleCommand({
          RoleName: options['role-name'],
          AssumeRolePolicyDocument: options['assume-role-policy-document'],
        }),
      ),
      options,
    );
  if (command === 'iam get-role' && words.length === 2)
    return selected(await iam.send(new GetRoleCommand({ RoleName: options['role-name'] })), options);
  throw new StandInRefusal(`'aws ${argv.join(' ')}' is not one of the forms the README session uses`);
}

try {
  process.stdout.write(`${await run(process.argv.slice(2))}\n`);
} catch (error) {
  if (error instanceof StandInRefusal) {
    process.stderr.write(`aws (README stand-in): ${error.message}\n`);
    process.exitCode = 255;
  } else {
    const { name, message } = error as Error;
    process.stderr.write(`\nAn error occurred (${name}): ${message}\n`);
    process.exitCode = 254;
  }
}
