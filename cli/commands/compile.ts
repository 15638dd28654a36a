/** `scp-alt compile`: the boundary one account would get, from a local copy of the policy store. */
import { parseArgs } from 'node:util';
import { compileBoundary } from '#policy/compile.ts';
import { defaultBoundaryParameters } from '#policy/parameters.ts';
import { resolveChain } from '#policy/resolve-chain.ts';
import { trailList, trailReferenceProblem } from '#policy/trail-reference.ts';
import { type CompileInput, type CompileOutcome, DEFAULT_MAX_ADDITIONAL_POLICIES } from '#policy/types.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { errorMessage, formatFindings } from '../format.ts';
import { readPolicyDirectory } from '../policy-dir.ts';

/** The deployment's default WhitelistRoleName (serverless.yml), so sizes match what it compiles. */
export const DEPLOYMENT_WHITELIST = 'stacksets-exec-*';

const usage = `Usage: scp-alt compile --policies DIR --account ID --ou-path ROOT/OU/... [options]

Compiles the SCP chain root → OUs → account into the permissions boundary scp-alt would attach
(scp-enforce-policy) and prints it, followed by the Deny-only managed policies that hold what the
boundary cannot (scp-enforce-policy-2, -3, …; none when everything fits).

Required:
  --policies DIR          folder laid out like the bucket prefix: account-<id>.json, <ou-id>.json,
                          <root-id>.json, <target>/<name>.json (or a folder holding
                          permission-boundary-policy/)
  --account ID            12-digit account id
  --ou-path PATH          root id first, then OU ids top-down: r-ab12/ou-ab12-11111111/...

Options:
  --partition NAME        aws-cn (default), aws, aws-us-gov
  --org-role NAME         organization access role name (default OrganizationAccountAccessRole)
  --whitelist LIST        comma list of role/user names (globs) never given the boundary
                          (default ${DEPLOYMENT_WHITELIST}, as a deployment; --whitelist '' for none)
  --automation-roles LIST comma list of role ARNs exempt from the protective denies
  --protected-trails LIST comma list of the account's own trails (names or ARNs) to protect, as
                          enrollment's ProtectedTrails (default none)
  --no-require-boundary-on-create
                          do not deny CreateUser/CreateRole without our boundary
  --max-additional-policies N
                          at most N Deny-only policies beside the boundary (default ${DEFAULT_MAX_ADDITIONAL_POLICIES};
                          0 = the boundary alone)
  --allow-unknown-actions accept a name unknown in a known service (s3:GetObjekt, likely a typo)
                          as a warning; unknown service prefixes and wildcards matching nothing
                          are always warnings, and the compiler handles them exactly
  --json                  print one object { policy, size, sources, warnings, additionalPolicies }
                          where policy is the boundary and additionalPolicies lists
                          { name, policy } in attachment order ([] when everything fits)
                          (on failure { errors } and exit 1)
  -h, --help              show this help

Without --json, stdout is the boundary as JSON when it holds everything; otherwise each policy
follows a line "// <name> (<size> / 6,144 characters)". Sizes and warnings go to stderr.

Exit status: 0 compiled, 1 policy error, 2 usage error.
`;

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    options: {
      policies: { type: 'string' },
      account: { type: 'string' },
      'ou-path': { type: 'string' },
      partition: { type: 'string', default: 'aws-cn' },
      'org-role': { type: 'string' },
      whitelist: { type: 'string' },
      'automation-roles': { type: 'string' },
      'protected-trails': { type: 'string' },
      'no-require-boundary-on-create': { type: 'boolean' },
      'max-additional-policies': { type: 'string' },
      'allow-unknown-actions': { type: 'boolean' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  }).values;
}

type CompileOptions = ReturnType<typeof parseOptions>;

const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');

function required(options: CompileOptions, name: 'policies' | 'account' | 'ou-path'): string {
  const value = options[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

function additionalPolicyLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_ADDITIONAL_POLICIES;
  if (!/^\d{1,2}$/.test(value))
    throw new Error(`--max-additional-policies must be a number from 0 to 99, not '${value}'`);
  return Number(value);
}

/** The compile input, or a thrown usage error; chain problems come back as a finding message. */
function buildInput(options: CompileOptions): { input: CompileInput } | { chainError: string } {
  const directory = readPolicyDirectory(required(options, 'policies'));
  const accountId = required(options, 'account');
  const ouPath = required(options, 'ou-path')
    .split('/')
    .filter((part) => part !== '');
  const partition = options.partition ?? 'aws-cn';
  const protectedTrails = trailList(options['protected-trails'] ?? '');
  const trailProblems = protectedTrails.flatMap(
    (trail) => trailReferenceProblem(trail, { partition, accountId }) ?? [],
  );
  if (trailProblems.length > 0) throw new Error(`--protected-trails: ${trailProblems.join('; ')}`);
  const params = defaultBoundaryParameters({
    partition,
    accountId,
    protectedTrails,
    automationRoleArns: commaList(options['automation-roles']),
    whitelistRoleNames: commaList(options.whitelist ?? DEPLOYMENT_WHITELIST),
    requireBoundaryOnCreate: !options['no-require-boundary-on-create'],
    ...(options['org-role'] ? { organizationAccessRoleName: options['org-role'] } : {}),
  });
  const chain = resolveChain(directory.keys, { accountId, ouPath });
  // A malformed account id or OU path is a wrong argument, not a policy problem.
  if (!chain.ok && chain.error.code === 'chain.location.invalid') throw new Error(chain.error.message);
  if (!chain.ok) return { chainError: `${chain.error.code}: ${chain.error.message}` };
  return {
    input: {
      params,
      allowUnknownActions: options['allow-unknown-actions'] ?? false,
      maxAdditionalPolicies: additionalPolicyLimit(options['max-additional-policies']),
      chain: chain.levels.map((level) => ({ target: level.target, sources: level.keys.map(directory.read) })),
    },
  };
}

async function run(argv: string[], io: CliIo): Promise<number> {
  let options: CompileOptions;
  let built: ReturnType<typeof buildInput>;
  try {
    options = parseOptions(argv);
    if (options.help) {
      io.stdout(usage);
      return ExitCode.ok;
    }
    built = buildInput(options);
  } catch (error) {
    io.stderr(`scp-alt compile: ${errorMessage(error)}\n\n${usage}`);
    return ExitCode.usageError;
  }
  if ('chainError' in built) {
    io.stderr(`scp-alt compile: ${built.chainError}\n`);
    return ExitCode.policyError;
  }
  const outcome = compileBoundary(built.input);
  if (!outcome.ok) {
    io.stderr(formatFindings(outcome.errors));
    if (options.json) io.stdout(`${JSON.stringify({ errors: outcome.errors }, null, 2)}\n`);
    return ExitCode.policyError;
  }
  if (options.json) io.stdout(`${JSON.stringify(jsonResult(outcome), null, 2)}\n`);
  else {
    io.stdout(policiesText(outcome, built.input.params.policyName));
    io.stderr(`${sizeLine(outcome, built.input.params.policyName)}\n${formatFindings(outcome.warnings)}`);
  }
  return ExitCode.ok;
}

type Compiled = Extract<CompileOutcome, { ok: true }>;

/** The --json shape: policy stays the boundary; additionalPolicies in attachment order. */
function jsonResult({ policy, size, sources, warnings, additionalPolicies }: Compiled) {
  return {
    policy,
    size,
    sources,
    warnings,
    additionalPolicies: additionalPolicies.map(({ name, policy: document }) => ({ name, policy: document })),
  };
}

const ofLimit = (size: number) => `${size.toLocaleString('en-US')} / 6,144 characters`;

function policiesText(outcome: Compiled, policyName: string): string {
  const boundary = `${JSON.stringify(outcome.policy, null, 2)}\n`;
  if (outcome.additionalPolicies.length === 0) return boundary;
  const extra = outcome.additionalPolicies.map(
    ({ name, policy, size }) => `// ${name} (${ofLimit(size)})\n${JSON.stringify(policy, null, 2)}\n`,
  );
  return [`// ${policyName} (boundary, ${ofLimit(outcome.size)})\n${boundary}`, ...extra].join('');
}

function sizeLine(outcome: Compiled, policyName: string): string {
  const parts = [
    `${policyName} ${ofLimit(outcome.size)}`,
    ...outcome.additionalPolicies.map(({ name, size }) => `${name} ${ofLimit(size)}`),
  ];
  return `size: ${parts.join('; ')}`;
}

export const compileCommand: CliCommand = {
  name: 'compile',
  summary: "compile an account's SCP chain into its permissions boundary",
  usage,
  run,
};
