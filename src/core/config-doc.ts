// Render the configuration reference from the schema itself.
import { ConfigSchema } from './config-schema.ts';

type S = Record<string, any>;

export function renderConfigDoc(): string {
  const rows: string[] = [];
  walk(ConfigSchema as S, '', rows);
  return [
    '# Configuration reference',
    '',
    'Generated from `src/core/config-schema.ts` by `npm run docs:config`; do not edit by hand.',
    'A config file is YAML or JSON (`vigil start --config FILE`). Unknown keys are errors.',
    '',
    '| key | type | default | description |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

function typeOf(s: S): string {
  if (Array.isArray(s.anyOf)) return s.anyOf.map((x: S) => (x.const !== undefined ? `\`${JSON.stringify(x.const)}\`` : typeOf(x))).join(' \\| ');
  if (s.type === 'array') return `list of ${typeOf(s.items)}`;
  return String(s.type ?? 'any');
}

function walk(s: S, prefix: string, rows: string[]): void {
  for (const [key, child] of Object.entries((s.properties ?? {}) as Record<string, S>)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (child.type === 'object' && child.properties) {
      walk(child, name, rows);
    } else {
      const def = child.default === undefined ? '' : `\`${JSON.stringify(child.default)}\``;
      rows.push(`| \`${name}\` | ${typeOf(child)} | ${def} | ${child.description ?? ''} |`);
      if (child.type === 'array' && child.items?.properties) walk(child.items, `${name}[]`, rows);
    }
  }
}
