#!/usr/bin/env node
// Entry point of `npx scp-alt`: the CLI is TypeScript, so register tsx's ESM loader first.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
await main();
