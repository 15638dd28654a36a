/** Colours and progress lines are for people at a terminal; files and pipes get plain text. */
import { describe, expect, it } from 'vitest';
import { makeSimulateCommand } from '#cli/commands/simulate.ts';
import { runCli } from '#cli/main.ts';
import { terminalFor } from '#cli/operator/terminal.ts';
import { fakeIo, offlineEnvironment, policyFolder } from './helpers.ts';

const ESC = String.fromCharCode(27);

const denyS3 = policyFolder({
  'r-ab12.json': {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: '*', Resource: '*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*' },
    ],
  },
});

const simulateS3 = (action: string) => [
  'simulate',
  '--policies',
  denyS3,
  '--partition',
  'aws-cn',
  '--ou-path',
  'r-ab12',
  '--account',
  '111122223333',
  '--action',
  action,
  '--resource',
  'arn:aws-cn:s3:::data/file',
];

describe('terminal output', () => {
  it('Given stdout is a terminal, When simulate answers, Then the decision is coloured', async () => {
    const io = fakeIo();
    const code = await runCli(simulateS3('s3:GetObject'), io, [
      makeSimulateCommand({ ...offlineEnvironment, stdoutIsTty: true }),
    ]);
    expect(code).toBe(1);
    expect(io.out()).toContain(`${ESC}[31mDenied${ESC}[39m`);
  });

  it('Given stdout is a pipe, When simulate answers, Then the text has no escape sequences', async () => {
    const io = fakeIo();
    await runCli(simulateS3('s3:GetObject'), io, [makeSimulateCommand(offlineEnvironment)]);
    expect(io.out()).toContain('Denied');
    expect(io.out()).not.toContain(ESC);
  });

  it('draws and clears progress lines on stderr only on a terminal', () => {
    const tty = fakeIo();
    const onTerminal = terminalFor(tty, true);
    onTerminal.progress('3/10 accounts');
    onTerminal.progressDone();
    expect(tty.err()).toBe(`\r${ESC}[2K3/10 accounts\r${ESC}[2K`);
    expect(tty.out()).toBe('');

    const pipe = fakeIo();
    const onPipe = terminalFor(pipe, false);
    onPipe.progress('3/10 accounts');
    onPipe.progressDone();
    expect(pipe.err()).toBe('');
    expect(onPipe.paint('red', 'Denied')).toBe('Denied');
  });
});
