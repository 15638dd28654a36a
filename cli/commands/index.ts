/** The command registry: a new command is one module under commands/ plus one line here. */
import type { CliCommand } from '../command.ts';
import { processEnvironment } from '../operator/environment.ts';
import { compileCommand } from './compile.ts';
import { makeDeregisterCommand } from './deregister.ts';
import { makeEnrollCommand } from './enroll.ts';
import { makeExportNativeCommand } from './export-native.ts';
import { makePlanCommand } from './plan.ts';
import { makeReplayCommand } from './replay.ts';
import { makeSimulateCommand } from './simulate.ts';
import { makeStatusCommand } from './status.ts';
import { validateCommand } from './validate.ts';

const operator = processEnvironment();

export const commands: readonly CliCommand[] = [
  validateCommand,
  compileCommand,
  makePlanCommand(operator),
  makeSimulateCommand(operator),
  makeStatusCommand(operator),
  makeEnrollCommand(operator),
  makeDeregisterCommand(operator),
  makeReplayCommand(operator),
  makeExportNativeCommand(operator),
];
