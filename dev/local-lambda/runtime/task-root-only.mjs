// Module resolution hooks of the local Lambda runtime (registered by bootstrap.mjs). Lambda's task
// root holds only what the zip holds; here it sits inside the project, whose node_modules Node
// would otherwise find by walking up. An import that resolves outside the task root fails as it
// would in Lambda, so a bundle that forgot a dependency cannot pass on a developer's machine.
import { isBuiltin } from 'node:module';
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

let taskRoot = '';

export async function initialize(data) {
  taskRoot = data.taskRoot;
}

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (isBuiltin(resolved.url)) return resolved;
  if (resolved.url.startsWith('file:') && isInside(fileURLToPath(resolved.url), taskRoot)) return resolved;
  const error = new Error(
    `Cannot find package '${specifier}' imported from ${context.parentURL ?? 'the handler'}`,
  );
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

export function isInside(file, root) {
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep);
}
