import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOTO_REQUIRED_MESSAGE, pythonMissingMessage } from '#dev/local-aws/errors.ts';
import { startMotoServer } from '#dev/local-aws/moto-server.ts';

describe('starting moto without moto installed', () => {
  it('says Python itself is missing, and how to install moto, when the interpreter does not exist', async () => {
    const missingPython = join(tmpdir(), 'no-such-dir', 'python3');
    await expect(startMotoServer({ python: missingPython })).rejects.toMatchObject({
      code: 'local-stack.moto-missing',
      message: pythonMissingMessage(missingPython),
    });
    expect(pythonMissingMessage(missingPython)).toMatch(/Python 3 is required.*pip install 'moto\[server\]'/);
  });

  it('names the install command when python cannot import moto', async () => {
    // Given an interpreter that fails the way python3 does without the moto package
    const directory = await mkdtemp(join(tmpdir(), 'fake-python-'));
    const fakePython = join(directory, 'python3');
    await writeFile(
      fakePython,
      '#!/bin/sh\necho "ModuleNotFoundError: No module named \'moto\'" >&2\nexit 1\n',
    );
    await chmod(fakePython, 0o755);
    // When / Then
    await expect(startMotoServer({ python: fakePython })).rejects.toMatchObject({
      code: 'local-stack.moto-missing',
      message: MOTO_REQUIRED_MESSAGE,
    });
  });
});
