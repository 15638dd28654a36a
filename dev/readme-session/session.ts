/**
 * The README's example session as data: every `$ …` line of the code blocks under "### Example
 * session", the output shown under it and the exit status in `(exit N)` (0 when none is shown),
 * and how a run's output is held to it. Two things may differ, and the README says so: times
 * (ISO-8601, as in `status`'s UPDATED column), and a line `…` stands for any lines left out.
 */

export interface SessionStep {
  /** The command as typed, without `$ `. */
  command: string;
  /** Output lines as the README shows them. */
  expected: string[];
  expectedExit: number;
  /** 1-based line of the `$` line in the README, for messages. */
  line: number;
}

const SECTION = '### Example session';
const EXIT = /^\(exit (\d+)\)$/;
const ELISION = '…';
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/** Lines of the section: from its heading to the next heading of the same or a higher level. */
function sectionLines(readme: string): { text: string; line: number }[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line.trim() === SECTION);
  if (start < 0) throw new Error(`README has no "${SECTION}" section`);
  const end = lines.findIndex((line, index) => index > start && /^#{1,3} /.test(line));
  return lines
    .slice(start, end < 0 ? undefined : end)
    .map((text, index) => ({ text, line: start + index + 1 }));
}

export function sessionSteps(readme: string): SessionStep[] {
  const steps: SessionStep[] = [];
  // Only blocks without a language are transcripts; ```sh blocks are instructions.
  let fence: 'none' | 'transcript' | 'other' = 'none';
  for (const { text, line } of sectionLines(readme)) {
    if (text.startsWith('```')) {
      fence = fence !== 'none' ? 'none' : text.trim() === '```' ? 'transcript' : 'other';
      continue;
    }
    if (fence !== 'transcript') continue;
    if (text.startsWith('$ ')) steps.push({ command: text.slice(2), expected: [], expectedExit: 0, line });
    else steps.at(-1)?.expected.push(text);
  }
  for (const step of steps) {
    const exit = EXIT.exec(step.expected.at(-1) ?? '');
    if (exit) {
      step.expected.pop();
      step.expectedExit = Number(exit[1]);
    }
  }
  return steps;
}

function masked(line: string): string {
  return line.replace(TIME, '<time>').trimEnd();
}

/** Whether the actual lines are the expected ones, times aside, `…` matching any run of lines. */
export function outputMatches(expected: string[], actual: string[]): boolean {
  const want = expected.map(masked);
  const got = actual.map(masked);
  const match = (w: number, g: number): boolean => {
    if (w === want.length) return g === got.length;
    if (want[w]?.trim() === ELISION) {
      for (let skip = g; skip <= got.length; skip++) if (match(w + 1, skip)) return true;
      return false;
    }
    return g < got.length && want[w] === got[g] && match(w + 1, g + 1);
  };
  return match(0, 0);
}

/**
 * The output a run printed, as a terminal leaves it: lines (the final newline makes no empty
 * line), a carriage return within a line overwritten by what follows it (progress lines).
 */
export function outputLines(text: string): string[] {
  const lines = text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((line) => line.slice(line.lastIndexOf('\r') + 1));
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
