/** Text output helpers: colours only on a terminal, aligned tables, progress lines on stderr. */
import type { CliIo } from '../command.ts';
import type { OperatorEnvironment } from './environment.ts';

export type Colour = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

const CODES: Record<Colour, [number, number]> = {
  green: [32, 39],
  red: [31, 39],
  yellow: [33, 39],
  dim: [2, 22],
  bold: [1, 22],
};

export interface Terminal {
  paint(colour: Colour, text: string): string;
  /** A transient status line; nothing when output goes to a file or a pipe. */
  progress(text: string): void;
  /** Ends the progress line, if any was drawn. */
  progressDone(): void;
}

export function terminalFor(io: CliIo, isTty: boolean, colours: boolean = isTty): Terminal {
  let drawn = false;
  return {
    paint: (colour, text) =>
      colours ? `\u001b[${CODES[colour][0]}m${text}\u001b[${CODES[colour][1]}m` : text,
    progress: (text) => {
      if (!isTty) return;
      io.stderr(`\r\u001b[2K${text}`);
      drawn = true;
    },
    progressDone: () => {
      if (drawn) io.stderr('\r\u001b[2K');
      drawn = false;
    },
  };
}

/**
 * The terminal of a command run: colours only when stdout is a terminal and NO_COLOR is unset or
 * empty (no-color.org); progress lines whenever stdout is a terminal.
 */
export function terminalOf(io: CliIo, environment: OperatorEnvironment): Terminal {
  const noColour = (environment.env.NO_COLOR ?? '') !== '';
  return terminalFor(io, environment.stdoutIsTty, environment.stdoutIsTty && !noColour);
}

// Escape sequences take no room on screen; padding must ignore them.
const ESCAPE_SEQUENCE = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');
const visibleLength = (text: string): number => text.replace(ESCAPE_SEQUENCE, '').length;

/** Rows padded into columns; the first row is the header. */
export function formatTable(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, index) => {
      widths[index] = Math.max(widths[index] ?? 0, visibleLength(cell));
    });
  }
  const lines = rows.map((row) =>
    row
      .map((cell, index) =>
        index === row.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - visibleLength(cell)),
      )
      .join('  ')
      .trimEnd(),
  );
  return `${lines.join('\n')}\n`;
}

export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
