import { describe, expect, it } from 'vitest';
import { assertValid } from '../api/validation.js';
import { diffLines, diffScopeStatements, EMPTY_SCOPE, ScopeChangeInput, type ScopeContent } from './scope-statement.js';

const v1: ScopeContent = {
  text: 'The ISMS of Northwind covers\nHarbor Cloud\noperated from Dublin.',
  services: [{ slug: 'harbor-cloud', name: 'Harbor Cloud' }, { slug: 'backup', name: 'Backup' }],
  locations: ['Dublin office', 'AWS eu-west-1'],
  teams: ['Platform Engineering'],
  exclusions: [{ subject: 'Corporate IT', justification: 'Operated by Microsoft.' }, { subject: 'Demo env', justification: 'Synthetic data.' }],
};

describe('diffScopeStatements', () => {
  it('names added and removed services, locations, teams and exclusions, and changed justifications', () => {
    const v2: ScopeContent = {
      text: 'The ISMS of Northwind covers\nHarbor Cloud and Harbor Private\noperated from Dublin.',
      services: [{ slug: 'harbor-cloud', name: 'Harbor Cloud' }, { slug: 'harbor-private', name: 'Harbor Private' }],
      locations: ['Dublin office', 'AWS eu-west-1', 'AWS eu-central-1'],
      teams: [],
      exclusions: [{ subject: 'Corporate IT', justification: 'Covered by Microsoft\u2019s certificate.' }, { subject: 'Finance', justification: 'No customer data.' }],
    };
    const d = diffScopeStatements(v1, v2, 1, 2);
    expect(d.from).toBe(1);
    expect(d.to).toBe(2);
    expect(d.services).toEqual({ added: [{ slug: 'harbor-private', name: 'Harbor Private' }], removed: [{ slug: 'backup', name: 'Backup' }] });
    expect(d.locations).toEqual({ added: ['AWS eu-central-1'], removed: [] });
    expect(d.teams).toEqual({ added: [], removed: ['Platform Engineering'] });
    expect(d.exclusions.added).toEqual([{ subject: 'Finance', justification: 'No customer data.' }]);
    expect(d.exclusions.removed).toEqual([{ subject: 'Demo env', justification: 'Synthetic data.' }]);
    expect(d.exclusions.justificationChanged).toEqual([{ subject: 'Corporate IT', before: 'Operated by Microsoft.', after: 'Covered by Microsoft\u2019s certificate.' }]);
    expect(d.text).toEqual([
      { op: 'same', line: 'The ISMS of Northwind covers' },
      { op: 'removed', line: 'Harbor Cloud' },
      { op: 'added', line: 'Harbor Cloud and Harbor Private' },
      { op: 'same', line: 'operated from Dublin.' },
    ]);
    expect(d.changed).toBe(true);
  });

  it('finds nothing between a statement and itself, and everything added against no statement', () => {
    const same = diffScopeStatements(v1, structuredClone(v1));
    expect(same.changed).toBe(false);
    expect(same.text.every((l) => l.op === 'same')).toBe(true);
    const first = diffScopeStatements(EMPTY_SCOPE, v1, 0, 1);
    expect(first.services.added.map((s) => s.slug)).toEqual(['harbor-cloud', 'backup']);
    expect(first.exclusions.added).toHaveLength(2);
    expect(first.text.map((l) => l.op)).toEqual(['added', 'added', 'added']);
    const back = diffScopeStatements(v1, EMPTY_SCOPE);
    expect(back.text.map((l) => l.op)).toEqual(['removed', 'removed', 'removed']);
    expect(back.locations.removed).toEqual(v1.locations);
  });

  it('a renamed service with the same slug is the same service', () => {
    const renamed = { ...v1, services: [{ slug: 'harbor-cloud', name: 'Harbor Cloud (EU)' }, { slug: 'backup', name: 'Backup' }] };
    const d = diffScopeStatements(v1, renamed);
    expect(d.services).toEqual({ added: [], removed: [] });
  });
});

describe('diffLines', () => {
  it('keeps common lines in order and puts removals before their replacements', () => {
    expect(diffLines('a\nb\nc\nd', 'a\nx\nc\nd\ne')).toEqual([
      { op: 'same', line: 'a' }, { op: 'removed', line: 'b' }, { op: 'added', line: 'x' },
      { op: 'same', line: 'c' }, { op: 'same', line: 'd' }, { op: 'added', line: 'e' },
    ]);
    expect(diffLines('', '')).toEqual([]);
    expect(diffLines('one\r\ntwo', 'one\ntwo')).toEqual([{ op: 'same', line: 'one' }, { op: 'same', line: 'two' }]);
  });
});

describe('ScopeChangeInput', () => {
  const valid = {
    title: 'New region', kind: 'new-region',
    proposed: { text: 'Scope.', serviceIds: [], locations: ['Frankfurt'], teams: [], exclusions: [{ subject: 'Lab', justification: 'No customer data.' }] },
  };
  const fieldOf = (value: unknown) => {
    try { assertValid(ScopeChangeInput, value); return null; } catch (error) { return (error as { field?: string }).field; }
  };

  it('accepts a well-formed request and refuses an exclusion without justification, naming the field', () => {
    expect(fieldOf(valid)).toBeNull();
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, exclusions: [{ subject: 'Lab', justification: '' }] } })).toBe('proposed.exclusions.0.justification');
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, exclusions: [{ subject: 'Lab', justification: '   ' }] } })).toBe('proposed.exclusions.0.justification');
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, exclusions: [{ subject: 'Lab' }] } })).toBe('proposed.exclusions.0.justification');
  });

  it('refuses unknown fields, unknown kinds and over-long text', () => {
    expect(fieldOf({ ...valid, approvedBy: 'me' })).toBe('approvedBy');
    expect(fieldOf({ ...valid, kind: 'new-customer' })).toBe('kind');
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, tenants: ['acme'] } })).toBe('proposed.tenants');
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, text: 'x'.repeat(20001) } })).toBe('proposed.text');
    expect(fieldOf({ ...valid, proposed: { ...valid.proposed, locations: ['Frankfurt', 'Frankfurt'] } })).toBe('proposed.locations');
  });
});
