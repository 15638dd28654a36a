import type { LocalStackInfo } from './types.ts';

// What global setup hands to every integration test file through `inject('localStack')`.
declare module 'vitest' {
  interface ProvidedContext {
    localStack: LocalStackInfo;
  }
}
