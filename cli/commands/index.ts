/** The command registry: a new command is one module under commands/ plus one line here. */
import type { CliCommand } from '../command.ts';
import { compileCommand } from './compile.ts';
import { validateCommand } from './validate.ts';

export const commands: readonly CliCommand[] = [validateCommand, compileCommand];
