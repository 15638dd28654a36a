/** How the README session is read and how a run's output is held to it. */
import { describe, expect, it } from 'vitest';
import { outputLines, outputMatches, sessionSteps } from '#dev/readme-session/session.ts';

const README = [
  '# scp-alt',
  '```',
  '$ scp-alt status',
  'not in the session',
  '```',
  '### Example session',
  'Prose.',
  '```sh',
  '$ . .scratch/local-env/exports.sh',
  '```',
  '```',
  '$ scp-alt status',
  'ACCOUNT  UPDATED',
  '1111  2026-12-02T06:50:38.384Z',
  '(exit 1)',
  '$ mkdir new-policies',
  '$ scp-alt simulate --action ec2:RunInstancez',
  'unknown action',
  '…',
  '(exit 2)',
  '```',
  '#### a subsection stays in the session',
  '```',
  '$ scp-alt report --out estate.html',
  'wrote estate.html',
  '```',
  '## Deploy',
  '```',
  '$ scp-alt enroll',
  '```',
].join('\n');

describe('README session', () => {
  it('Given the README, then the steps are the $ lines of the session transcripts only, with output and exit status', () => {
    expect(sessionSteps(README)).toEqual([
      {
        command: 'scp-alt status',
        expected: ['ACCOUNT  UPDATED', '1111  2026-12-02T06:50:38.384Z'],
        expectedExit: 1,
        line: 12,
      },
      { command: 'mkdir new-policies', expected: [], expectedExit: 0, line: 16 },
      {
        command: 'scp-alt simulate --action ec2:RunInstancez',
        expected: ['unknown action', '…'],
        expectedExit: 2,
        line: 17,
      },
      {
        command: 'scp-alt report --out estate.html',
        expected: ['wrote estate.html'],
        expectedExit: 0,
        line: 24,
      },
    ]);
  });

  it('Given another time in a line, then it still matches; any other difference does not', () => {
    const expected = ['1111  2026-12-02T06:50:38.384Z'];
    expect(outputMatches(expected, ['1111  2027-01-31T23:59:59.999Z'])).toBe(true);
    expect(outputMatches(expected, ['1112  2027-01-31T23:59:59.999Z'])).toBe(false);
    expect(outputMatches(expected, [...expected, 'one more line'])).toBe(false);
    expect(outputMatches(expected, [])).toBe(false);
  });

  it('Given a … line, then it stands for any number of lines, none included, and nothing else is skipped', () => {
    const expected = ['first', '  …', 'last'];
    expect(outputMatches(expected, ['first', 'last'])).toBe(true);
    expect(outputMatches(expected, ['first', 'a', 'b', 'last'])).toBe(true);
    expect(outputMatches(expected, ['first', 'a', 'b'])).toBe(false);
    expect(outputMatches(expected, ['other', 'last'])).toBe(false);
  });

  it('Given output with carriage returns and a final newline, then the lines are what a terminal shows', () => {
    expect(outputLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(outputLines('Completed 266 Bytes\rupload: a to b\n')).toEqual(['upload: a to b']);
    expect(outputLines('')).toEqual([]);
  });
});
