import type { UnpackedArtifacts } from '#dev/local-lambda/local-lambda.ts';

// What the artifact suite's global setup hands to every test file through `inject('artifacts')`.
declare module 'vitest' {
  interface ProvidedContext {
    artifacts: UnpackedArtifacts;
  }
}
