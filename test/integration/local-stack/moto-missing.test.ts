import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MOTO_REQUIRED_MESSAGE } from '../../local-aws/errors.ts';
import { startMotoServer } from '../../local-aws/moto-server.ts';

describe('starting moto without moto installed', () => {
  it('names the install command when the python interpreter does not exist', async () => {
    const missingPython = join(tmpdir(), 'no-such-dir', 'python3');
    await expect(startMotoServer({ python: missingPython })).rejects.toThrow(MOTO_REQUIRED_MESSAGE);
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
