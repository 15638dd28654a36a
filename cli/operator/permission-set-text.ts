/** Identity Center permission sets as `status` and `plan` show them. */
import { errorText } from '#shared/errors.ts';
import type { FlowContext } from '#usecases/flow-context.ts';
import { type PermissionSetReport, permissionSetStates } from '#usecases/identity-center.ts';
import { formatTable, type Terminal } from './terminal.ts';

export interface PermissionSetListing {
  /** Absent when Identity Center is not governed (IDENTITY_CENTER_REGION=off). */
  permissionSets?: PermissionSetReport[];
  /** Why Identity Center could not be read (e.g. the management role lacks sso:*). */
  identityCenterError?: string;
}

/** Every permission set with its state; a read failure is shown, never fatal. */
export async function readPermissionSets(ctx: FlowContext): Promise<PermissionSetListing> {
  try {
    const permissionSets = await permissionSetStates(ctx);
    return permissionSets ? { permissionSets } : {};
  } catch (error) {
    return { identityCenterError: errorText(error) };
  }
}

const STATE_COLOUR = {
  governed: 'green',
  bounded: 'green',
  'to-bound': 'yellow',
  outside: 'dim',
  'spans-unenrolled': 'red',
  'own-boundary': 'red',
  failed: 'red',
} as const;

/** One row per permission set: whether its roles carry our boundary, and where it is provisioned. */
export function permissionSetText(listing: PermissionSetListing, terminal: Terminal): string {
  if (listing.identityCenterError)
    return `\nIdentity Center could not be read: ${listing.identityCenterError}\n`;
  const sets = listing.permissionSets ?? [];
  if (sets.length === 0) return '';
  const header = ['PERMISSION SET', 'STATE', 'ENROLLED ACCOUNTS', 'NOT ENROLLED'];
  const rows = sets.map((set) => [
    set.name,
    terminal.paint(STATE_COLOUR[set.state], set.state),
    set.enrolledAccounts.join(',') || '-',
    set.otherAccounts.join(',') || '-',
  ]);
  return `\n${formatTable([header.map((cell) => terminal.paint('bold', cell)), ...rows])}`;
}
