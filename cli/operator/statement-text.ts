/**
 * A policy statement as a plan shows it: nothing hidden. A header with effect and Sid, then each
 * element (actions, resources, every condition with its values) in full, wrapped to the width.
 */
import type { ManagedPolicyStatement as PolicyStatement } from '#policy/index.ts';

const LABEL_WIDTH = 12;

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((item) =>
    typeof item === 'string' ? item : JSON.stringify(item),
  );
}

/** Items joined by ', ', broken into lines no wider than `width` (an item longer than that stays whole). */
export function wrapList(items: string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, index) => {
    const piece = index < items.length - 1 ? `${item},` : item;
    if (line !== '' && line.length + 1 + piece.length > width) {
      lines.push(line);
      line = piece;
    } else line = line === '' ? piece : `${line} ${piece}`;
  });
  if (line !== '') lines.push(line);
  return lines;
}

function labelled(label: string, items: string[], width: number): string[] {
  const body = wrapList(items, Math.max(20, width - LABEL_WIDTH));
  return body.map((line, index) => `${(index === 0 ? label : '').padEnd(LABEL_WIDTH)}${line}`);
}

/** One line per condition key: operator, key, and every value. */
function conditionLines(condition: PolicyStatement['Condition'], width: number): string[] {
  if (!condition) return [];
  return Object.entries(condition).flatMap(([operator, keys]) =>
    Object.entries(keys ?? {}).flatMap(([key, values]) => {
      const [first = '', ...rest] = asList(values);
      return labelled('Condition', [`${operator} ${key} = ${first}`, ...rest], width);
    }),
  );
}

/** `Deny (Sid)` or `Deny` for a statement without a Sid. */
export function statementHeader(statement: PolicyStatement): string {
  return `${statement.Effect}${statement.Sid ? ` (${statement.Sid})` : ''}`;
}

/** The statement's elements, one label per element, wrapped to `width` columns. */
export function statementLines(statement: PolicyStatement, width: number): string[] {
  const element = (name: 'Action' | 'NotAction' | 'Resource' | 'NotResource') =>
    statement[name] === undefined ? [] : labelled(name, asList(statement[name]), width);
  return [
    ...element('Action'),
    ...element('NotAction'),
    ...element('Resource'),
    ...element('NotResource'),
    ...conditionLines(statement.Condition, width),
  ];
}
