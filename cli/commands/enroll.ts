/**
 * `scp-alt enroll` (also accepted as `register`, its name before the glossary): enroll one account,
 * through the same use case as the Service Catalog product.
 */
import { parseArgs } from 'node:util';
import { ENROLLMENT_PLACE } from '#policy/place-ids.ts';
import { trailList } from '#policy/trail-reference.ts';
import { enrollAccount } from '#usecases/enroll.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { accountIdOption, guarded } from '../operator/guarded.ts';
import { openSession } from '../operator/session.ts';
import { printJson } from '../operator/terminal.ts';
import { UsageError } from '../operator/usage-error.ts';

const usage = `Usage: scp-alt enroll --account ID --ou OU [--create-trail] [--protected-trails LIST]
                     [--standalone-external-id TEXT] [options]

Enrolls a member account: compiles its SCP chain into scp-enforce-policy (and, when it does not
fit, the Deny-only scp-enforce-policy-2, ...), attaches it as the permissions boundary of every
non-exempt user and role (the others beside it), sets up IAM event forwarding and writes the
account record. The same use case the Service Catalog product runs.

Required:
  --account ID      12-digit member account id
  --ou OU           the OU (ou-...) or root (r-...) the account sits in; for a standalone
                    account, its virtual OU (vou-<name>)

Options:
  --create-trail    also create the scp-trail CloudTrail trail in the account
  --protected-trails LIST
                    the account's own trails (names or ARNs, comma-separated) its boundary
                    protects; without --create-trail one of them must log the IAM events
                    (default: the deployment's PROTECTED_TRAILS)
  --standalone-external-id TEXT
                    enroll an account outside the organization (one of STANDALONE_ACCOUNT_IDS)
                    through its scp-alt role (templates/standalone-account-role.yaml), which
                    demands this ExternalId [SCP_ALT_STANDALONE_EXTERNAL_ID]
  --replace         re-enroll an account that is already enrolled (e.g. after a move)
  --json            print the enrollment result as one object
  -h, --help        show this help

${AWS_OPTIONS_HELP}

Exit status: 0 enrolled, 1 refused or failed, or enrolled with principals that could not take
every additional policy (the record shows FAILED and why), 2 usage error.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  account: { type: 'string' },
  ou: { type: 'string' },
  'create-trail': { type: 'boolean' },
  'protected-trails': { type: 'string' },
  'standalone-external-id': { type: 'string' },
  replace: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function ouOption(value: string | undefined): string {
  if (value === undefined) throw new UsageError('--ou is required');
  if (!ENROLLMENT_PLACE.test(value))
    throw new UsageError(`--ou '${value}' is not an OU id (ou-...), root id (r-...) or virtual OU (vou-...)`);
  return value;
}

function standaloneOption(externalId: string | undefined): { standalone?: { externalId: string } } {
  return externalId === undefined || externalId === '' ? {} : { standalone: { externalId } };
}

export function makeEnrollCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'enroll', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const request = {
        accountId: accountIdOption(values.account),
        ouId: ouOption(values.ou),
        createCloudTrail: values['create-trail'] ?? false,
        replaceExisting: values.replace ?? false,
        protectedTrails: trailList(values['protected-trails'] ?? ''),
        enrolledBy: 'cli' as const,
        ...standaloneOption(
          values['standalone-external-id'] ?? environment.env.SCP_ALT_STANDALONE_EXTERNAL_ID,
        ),
      };
      const { ctx } = await openSession(values, environment.env, {
        command: 'enroll',
        io,
        managementAccount: true,
        facts,
      });
      const result = await enrollAccount(ctx, request);
      if (values.json) printJson(io, { ok: true, ...result });
      else {
        io.stdout(
          `enrolled ${result.accountId} (${result.ouPath.join(' → ')})\n` +
            `  policy   ${result.policyArn} ${result.versionId}\n` +
            `  hash     ${result.compiledHash}\n` +
            `  attached ${result.attached} principal(s)\n`,
        );
        if (result.additionalPolicies.length > 0)
          io.stdout(`  beside   ${result.additionalPolicies.join(', ')}\n`);
        for (const arn of result.customerBoundaryArns) io.stdout(`  kept customer boundary ${arn}\n`);
        for (const trail of result.protectedTrails) io.stdout(`  protects trail ${trail}\n`);
        for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
        for (const entry of result.shortOfPolicies)
          io.stderr(
            `ATTACHMENT_QUOTA_FULL: ${entry.principalArn} holds its quota of attached managed policies and lacks ${entry.missing.join(', ')}\n`,
          );
      }
      return result.shortOfPolicies.length > 0 ? ExitCode.policyError : ExitCode.ok;
    });
  return {
    name: 'enroll',
    aliases: ['register'],
    summary: 'enroll a member or standalone account (compile, attach, forward events)',
    usage,
    run,
  };
}
