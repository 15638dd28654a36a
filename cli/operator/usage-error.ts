/** A wrong command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * A wrong setting (region, profile), from a flag or the environment: exit 2 like a wrong command
 * line, but the message says enough without the whole usage text after it.
 */
export class SettingError extends UsageError {
  override name = 'SettingError';
}
