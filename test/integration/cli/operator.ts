/**
 * The CLI run in-process as the operator of a local scp-alt deployment (the role
 * dev/local-deployment/operator.ts creates), against the local endpoint.
 */
import type { CliCommand } from '#cli/command.ts';
import { makeDeregisterCommand } from '#cli/commands/deregister.ts';
import { makeEnrollCommand } from '#cli/commands/enroll.ts';
import { makeExportNativeCommand } from '#cli/commands/export-native.ts';
import { makePlanCommand } from '#cli/commands/plan.ts';
import { makeReplayCommand } from '#cli/commands/replay.ts';
import { makeReportCommand } from '#cli/commands/report.ts';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { makeStatusCommand } from '#cli/commands/status.ts';
import { runCli } from '#cli/main.ts';
import type { OperatorEnvironment } from '#cli/operator/environment.ts';
import type { LocalStackClient } from '#dev/local-aws/stack.ts';
import type { Deployment } from '#dev/local-deployment/deployment.ts';
import { createOperator } from '#dev/local-deployment/operator.ts';
import { fakeIo } from '../../unit/cli/fake-io.ts';

export { OPERATOR_ROLE } from '#dev/local-deployment/operator.ts';

/** Creates the operator role and adds it to the management role's trust; returns its environment. */
export async function operatorEnvironment(
  stack: LocalStackClient,
  deployment: Deployment,
): Promise<Record<string, string>> {
  return (await createOperator(stack, deployment)).environment;
}

export function operatorCommands(environment: OperatorEnvironment): CliCommand[] {
  return [
    makePlanCommand(environment),
    makeSimulateCommand(environment),
    makeStatusCommand(environment),
    makeReportCommand(environment),
    makeEnrollCommand(environment),
    makeDeregisterCommand(environment),
    makeReplayCommand(environment),
    makeExportNativeCommand(environment),
  ];
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** stdout parsed as JSON (for --json runs). */
  json<T = Record<string, unknown>>(): T;
}

/** `scp-alt <argv>` in-process, as the operator, output captured. */
export async function scpAlt(env: Record<string, string>, ...argv: string[]): Promise<CliRun> {
  return scpAltIn({ env, stdoutIsTty: false }, ...argv);
}

/** The same in a given environment (a terminal that answers questions, say). */
export async function scpAltIn(environment: OperatorEnvironment, ...argv: string[]): Promise<CliRun> {
  const io = fakeIo();
  const code = await runCli(argv, io, operatorCommands(environment));
  return { code, out: io.out(), err: io.err(), json: <T>() => JSON.parse(io.out()) as T };
}
