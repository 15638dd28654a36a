/** IPv4 / IPv6 address and CIDR parsing for the IpAddress / NotIpAddress condition operators. */

export type ValueTest = 'match' | 'nomatch' | 'invalid';

interface ParsedAddress {
  family: 4 | 6;
  bits: bigint;
}

const IPV4_OCTET = '(25[0-5]|2[0-4]\\d|1\\d{2}|[1-9]?\\d)';
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);

function parseIpv4(text: string): bigint | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((bits, octet) => (bits << 8n) | BigInt(Number(octet)), 0n);
}

function parseHextets(part: string): bigint[] | undefined {
  if (part === '') return [];
  const groups = part.split(':');
  if (!groups.every((group) => /^[0-9a-fA-F]{1,4}$/.test(group))) return undefined;
  return groups.map((group) => BigInt(Number.parseInt(group, 16)));
}

function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseHextets(halves[0] ?? '');
  const tail = halves.length === 2 ? parseHextets(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const groups = [...head, ...Array<bigint>(halves.length === 2 ? missing : 0).fill(0n), ...tail];
  return groups.reduce((bits, group) => (bits << 16n) | group, 0n);
}

function parseAddress(text: string): ParsedAddress | undefined {
  const v4 = parseIpv4(text);
  if (v4 !== undefined) return { family: 4, bits: v4 };
  const v6 = text.includes(':') ? parseIpv6(text) : undefined;
  return v6 === undefined ? undefined : { family: 6, bits: v6 };
}

interface ParsedCidr extends ParsedAddress {
  prefix: number;
}

function parseCidr(text: string): ParsedCidr | undefined {
  const [address = '', prefixText, ...rest] = text.split('/');
  const parsed = parseAddress(address);
  if (!parsed || rest.length > 0) return undefined;
  const width = parsed.family === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...parsed, prefix: width };
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > width) return undefined;
  return { ...parsed, prefix: Number(prefixText) };
}

/**
 * Whether `requestValue` lies in the policy's address or CIDR block. An address of the other IP
 * family is simply outside the block; a request value that is no IP address at all is invalid
 * (so neither IpAddress nor NotIpAddress matches it).
 */
export function ipInBlock(requestValue: string, policyValue: string): ValueTest {
  const block = parseCidr(policyValue);
  const address = parseAddress(requestValue);
  if (!block || !address) return 'invalid';
  if (address.family !== block.family) return 'nomatch';
  const width = BigInt(block.family === 4 ? 32 : 128);
  const shift = width - BigInt(block.prefix);
  return address.bits >> shift === block.bits >> shift ? 'match' : 'nomatch';
}
