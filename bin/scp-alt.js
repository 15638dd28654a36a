#!/usr/bin/env node
// Entry point of `npx scp-alt`: the CLI is TypeScript, so register tsx's ESM loader first.
import { register } from 'tsx/esm/api';

// The SDK's notice that its 2027 releases will need Node 22 is for whoever maintains this checkout
// (README, Requirements), not for an operator running a command: keep it out of command output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
await main();
