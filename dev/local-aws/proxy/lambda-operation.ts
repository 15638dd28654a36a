// Lambda's API is REST with JSON bodies: the operation follows from method and path. This names
// the ones the local stack sees (the reconciler lists functions; tests create them), so counters,
// faults and the session audit can target them; the rest get a descriptive name.
const ROUTES: { method: string; path: RegExp; operation: string }[] = [
  { method: 'GET', path: /^\/2015-03-31\/functions\/?$/, operation: 'ListFunctions' },
  { method: 'POST', path: /^\/2015-03-31\/functions\/?$/, operation: 'CreateFunction' },
  { method: 'GET', path: /^\/2015-03-31\/functions\/[^/]+\/?$/, operation: 'GetFunction' },
  { method: 'DELETE', path: /^\/2015-03-31\/functions\/[^/]+\/?$/, operation: 'DeleteFunction' },
  { method: 'PUT', path: /^\/2015-03-31\/functions\/[^/]+\/code\/?$/, operation: 'UpdateFunctionCode' },
  { method: 'POST', path: /^\/2015-03-31\/functions\/[^/]+\/invocations\/?$/, operation: 'Invoke' },
];

export function lambdaOperationName(method: string, url: URL): string {
  const route = ROUTES.find((candidate) => candidate.method === method && candidate.path.test(url.pathname));
  return route?.operation ?? `${method} ${url.pathname}`;
}
