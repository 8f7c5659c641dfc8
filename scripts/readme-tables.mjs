/**
 * The README's tables of attributes, events, custom properties, parts and slots, generated from
 * custom-elements.json (itself generated from the JSDoc in src/news-comments.ts by `npm run analyze`), so the
 * documentation cannot drift from the element. `node scripts/readme-tables.mjs` rewrites them in README.md;
 * `--check` only reports whether they are current (the test run uses it).
 */
import { readFileSync, writeFileSync } from 'node:fs';

const cell = (text = '') => String(text).replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const code = (text) => (text ? `\`${text}\`` : '—');
const table = (head, rows) =>
  [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((row) => `| ${row.map(cell).join(' | ')} |`)].join('\n');

export function tablesFrom(manifest) {
  const element = manifest.modules.flatMap((module) => module.declarations ?? []).find((item) => item.customElement);
  const fields = new Map((element.members ?? []).map((member) => [member.name, member]));
  return {
    attributes: table(
      ['Attribute', 'Property', 'Type', 'Default', 'What it does'],
      element.attributes.map((attribute) => {
        const field = fields.get(attribute.fieldName);
        return [
          code(attribute.name),
          code(attribute.fieldName),
          code(field?.type?.text ?? attribute.type?.text ?? 'string'),
          code(field?.default ?? attribute.default),
          attribute.description ?? field?.description ?? '',
        ];
      }),
    ),
    events: table(['Event', 'When, and its `detail`'], element.events.map((event) => [code(event.name), event.description])),
    'css-properties': table(
      ['Custom property', 'Default (light / dark)', 'What it sets'],
      element.cssProperties.map((property) => [code(property.name), code(property.default), property.description]),
    ),
    parts: table(['Part', 'What it is'], element.cssParts.map((part) => [code(part.name), part.description])),
    slots: table(['Slot', 'What it is for'], element.slots.map((slot) => [code(slot.name), slot.description])),
  };
}

/** README text with every `<!-- manifest:NAME -->…<!-- /manifest -->` block replaced by its table. */
export function withTables(readme, manifest) {
  const tables = tablesFrom(manifest);
  return readme.replace(/(<!-- manifest:([\w-]+) -->)[\s\S]*?(<!-- \/manifest -->)/g, (whole, open, name, close) =>
    name in tables ? `${open}\n${tables[name]}\n${close}` : whole,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const readme = readFileSync('README.md', 'utf8');
  const updated = withTables(readme, JSON.parse(readFileSync('custom-elements.json', 'utf8')));
  if (process.argv.includes('--check')) {
    if (updated !== readme) {
      console.error('README.md tables differ from custom-elements.json: run npm run analyze');
      process.exit(1);
    }
  } else {
    writeFileSync('README.md', updated);
    console.log('README.md tables updated from custom-elements.json');
  }
}
