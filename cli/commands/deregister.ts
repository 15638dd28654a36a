/** `scp-alt deregister`: remove the emulation from one account, as deleting the product does. */
import { parseArgs } from 'node:util';
import { deregisterAccount } from '#usecases/deregister.ts';
import { type CliCommand, type CliIo, ExitCode } from '../command.ts';
import { removedText } from '../format.ts';
import { AWS_OPTIONS, AWS_OPTIONS_HELP } from '../operator/aws-options.ts';
import type { OperatorEnvironment } from '../operator/environment.ts';
import { accountIdOption, guarded } from '../operator/guarded.ts';
import { openSession } from '../operator/session.ts';
import { printJson } from '../operator/terminal.ts';

const usage = `Usage: scp-alt deregister --account ID [--force] [options]

Removes scp-alt from a member account: detaches scp-enforce-policy from every user and role,
detaches and deletes the additional policies scp-enforce-policy-2, ..., deletes the policy and the
event forwarding (and the trail if scp-alt created it), and deletes the
account record. Works without a policy file and without a record.

Required:
  --account ID   12-digit member account id

Options:
  --force        remove the record even when the account cannot be reached (it left the
                 organization, was closed, or its organization access role is gone), and list
                 what could not be cleaned up in it
  --json         print { ok, accountId, removed, detached, additionalPoliciesRemoved, leftBehind? }
  -h, --help     show this help

${AWS_OPTIONS_HELP}

Exit status: 0 removed, 1 failed or refused (security and management accounts are never
enrolled, so there is nothing to remove), 2 usage error.
`;

const OPTIONS = {
  ...AWS_OPTIONS,
  account: { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export function makeDeregisterCommand(environment: OperatorEnvironment): CliCommand {
  const run = (argv: string[], io: CliIo) =>
    guarded(io, { name: 'deregister', usage }, argv, async (facts) => {
      const { values } = parseArgs({ args: argv, options: OPTIONS, strict: true });
      const accountId = accountIdOption(values.account);
      const { ctx } = await openSession(values, environment.env, {
        command: 'deregister',
        io,
        managementAccount: true,
        facts,
      });
      const result = await deregisterAccount(ctx, accountId, { force: values.force ?? false });
      if (values.json) printJson(io, { ok: result.removed, ...result });
      else if (result.leftBehind) {
        io.stdout(`deregistered ${accountId}: record removed; the account could not be cleaned up\n`);
        io.stdout(`  why: ${result.leftBehind.reason}\n`);
        for (const item of result.leftBehind.items) io.stdout(`  may still be in the account: ${item}\n`);
      } else if (result.removed) {
        io.stdout(
          `deregistered ${accountId}: boundary removed from ${result.detached} principal(s)${removedText(result.additionalPoliciesRemoved)}\n`,
        );
      } else {
        io.stderr(`scp-alt deregister: ${accountId} is the security or management account; never enrolled\n`);
      }
      return result.removed ? ExitCode.ok : ExitCode.policyError;
    });
  return { name: 'deregister', summary: 'remove the emulation from a member account', usage, run };
}
