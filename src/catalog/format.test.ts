import { describe, expect, it } from 'vitest';
import { parseFrameworkValue, parseFrameworkYaml } from './format.js';

const GOOD = `framework:
  id: acme-baseline
  name: ACME cloud baseline
  version: "2025.1"
  provenance: Written by the ACME security team
groups:
  - { id: AC, title: Access control }
controls:
  - id: AC-1
    title: Named accounts only
    group: AC
  - id: AC-2
    title: MFA for administrators
    description: Every administrator signs in with a second factor.
`;

describe('framework format', () => {
  it('accepts a valid framework', () => {
    const r = parseFrameworkYaml(GOOD);
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.document.framework.id).toBe('acme-baseline');
      expect(r.document.controls.map((c) => c.id)).toEqual(['AC-1', 'AC-2']);
    }
  });

  it('refuses a duplicate control id, naming the id, the line of the duplicate and of the first one', () => {
    const text = `${GOOD}  - id: AC-1\n    title: Again\n`;
    const r = parseFrameworkYaml(text, 'dup.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatchObject({ file: 'dup.yaml', line: 15, field: 'controls[2].id' });
      expect(r.problems[0]!.message).toBe('duplicate control id "AC-1" (first defined at line 9)');
    }
  });

  it('refuses a duplicate group id and a control in an unknown group', () => {
    const text = GOOD.replace('  - { id: AC, title: Access control }', '  - { id: AC, title: Access control }\n  - { id: AC, title: Again }').replace('group: AC', 'group: XX');
    const r = parseFrameworkYaml(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems.map((p) => [p.line, p.field, p.message])).toEqual([
        [8, 'groups[1].id', 'duplicate group id "AC" (first defined at line 7)'],
        [12, 'controls[0].group', 'no group "XX" in groups'],
      ]);
    }
  });

  it('names the line and field of a schema problem', () => {
    const cases: Array<[string, number, string, RegExp]> = [
      [GOOD.replace('id: acme-baseline', 'id: ACME Baseline'), 2, 'framework.id', /not a valid framework id/],
      [GOOD.replace('  provenance: Written by the ACME security team\n', ''), 2, 'framework', /provenance is required/],
      [GOOD.replace('    title: Named accounts only\n', ''), 9, 'controls[0]', /title is required/],
      [GOOD.replace('    group: AC\n', '    group: AC\n    owner: Bob\n'), 12, 'controls[0].owner', /not a known field/],
      [GOOD.replace('- id: AC-2', '- id: "AC 2"'), 12, 'controls[1].id', /not a valid id/],
    ];
    for (const [text, line, field, message] of cases) {
      const r = parseFrameworkYaml(text);
      expect(r.ok, field).toBe(false);
      if (!r.ok) expect(r.problems[0], field).toMatchObject({ line, field, message: expect.stringMatching(message) });
    }
  });

  it('refuses YAML that does not parse, with its line, and a document that is not a mapping', () => {
    const r = parseFrameworkYaml('framework:\n  id: x\n  name: [unclosed\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]!.message).toMatch(/YAML syntax error/);
    const list = parseFrameworkYaml('- a\n- b\n');
    expect(list.ok).toBe(false);
    const dupKey = parseFrameworkYaml(GOOD.replace('  version: "2025.1"\n', '  version: "2025.1"\n  version: "2"\n'));
    expect(dupKey.ok).toBe(false);
  });

  it('refuses an empty control list', () => {
    const r = parseFrameworkValue({ framework: { id: 'x', name: 'X', version: '1', provenance: 'us' }, controls: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ field: 'controls', message: 'needs at least 1 entry' });
  });

  it('validates JSON of the same format, with the duplicate rule (no lines)', () => {
    const r = parseFrameworkValue({ framework: { id: 'x', name: 'X', version: '1', provenance: 'us' }, controls: [{ id: 'A', title: 'a' }, { id: 'A', title: 'b' }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems[0]).toMatchObject({ line: 0, field: 'controls[1].id', message: expect.stringContaining('duplicate control id "A"') });
  });
});
