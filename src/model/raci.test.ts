import { describe, expect, it } from 'vitest';
import { activityLabel, normalizeRaci, raciProblems, standardRaciRows, STANDARD_RACI_ACTIVITIES } from './raci.js';

describe('RACI rules', () => {
  it('accepts exactly one A and at least one R per activity', () => {
    expect(raciProblems([
      { activity: 'provisioning', customer: 'A', provider: 'R', subProcessor: 'I' },
      { activity: 'logging', provider: 'A', subProcessor: 'R' },
      { activity: 'on-call', label: 'On-call', provider: 'A', customer: 'R', subProcessor: null },
    ])).toEqual([]);
  });

  it('names the activity and its place for each broken rule', () => {
    expect(raciProblems([
      { activity: 'logging', provider: 'A', subProcessor: 'R' },
      { activity: 'incident-triage', provider: 'R' },
      { activity: 'backup-configuration', provider: 'A', customer: 'A' },
      { activity: 'logging', provider: 'A', subProcessor: 'R' },
    ])).toEqual([
      { field: 'activities.1', message: 'Incident triage: exactly one party must be Accountable (A); none is.' },
      { field: 'activities.2', message: 'Backup configuration: exactly one party must be Accountable (A); 2 are.' },
      { field: 'activities.2', message: 'Backup configuration: at least one party must be Responsible (R).' },
      { field: 'activities.3.activity', message: 'The activity "logging" is listed twice.' },
    ]);
  });

  it('labels standard activities by the catalog, custom ones by their label or their slug in words', () => {
    expect(activityLabel('data-subject-requests')).toBe('Data-subject requests');
    expect(activityLabel('data-subject-requests', 'Ignored')).toBe('Data-subject requests');
    expect(activityLabel('patching', 'Patch management')).toBe('Patch management');
    expect(activityLabel('vulnerability-scans', '  ')).toBe('Vulnerability scans');
  });

  it('normalizes rows: every party present, labels only for custom activities', () => {
    expect(normalizeRaci([{ activity: 'logging', label: 'x', provider: 'A' }, { activity: 'patching', label: ' Patch ', customer: 'R' }])).toEqual([
      { activity: 'logging', label: '', customer: null, provider: 'A', subProcessor: null },
      { activity: 'patching', label: 'Patch', customer: 'R', provider: null, subProcessor: null },
    ]);
  });

  it('starts an empty matrix with the seven standard activities', () => {
    expect(standardRaciRows().map((r) => r.activity)).toEqual([...STANDARD_RACI_ACTIVITIES]);
    expect(STANDARD_RACI_ACTIVITIES).toHaveLength(7);
  });
});
