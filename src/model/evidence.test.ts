import { describe, expect, it } from 'vitest';
import { checkControlException, presentControlException, scopeExceptionsOf, systemsByService } from './control-exception.js';
import { addDays, checkEvidence, freshness, isolationTestsOf } from './evidence.js';
import { attachmentHeader, cleanFileName, contentMismatch, evidenceFileType, sniff } from './evidence-file.js';

const type = (t: string) => evidenceFileType(t)!;
const zipWith = (name: string) => {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(Buffer.byteLength(name), 26);
  return Buffer.concat([header, Buffer.from(name), Buffer.from('payload')]);
};

describe('evidence freshness', () => {
  it('is current through collectedOn + freshnessDays and stale from the day after', () => {
    expect(freshness('2026-01-01', 30, '2026-01-31')).toEqual({ currentUntil: '2026-01-31', stale: false, staleSince: null });
    expect(freshness('2026-01-01', 30, '2026-02-01')).toEqual({ currentUntil: '2026-01-31', stale: true, staleSince: '2026-02-01' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
  });

  it('checks links, files, control ids and isolation results', () => {
    const base = { kind: 'link', url: 'https://x.test', collectedOn: '2026-01-01', freshnessDays: 1 };
    expect(() => checkEvidence(base, '2026-01-02')).not.toThrow();
    expect(() => checkEvidence({ ...base, url: null }, '2026-01-02')).toThrow(expect.objectContaining({ field: 'url' }));
    expect(() => checkEvidence({ ...base, kind: 'file' }, '2026-01-02')).toThrow(expect.objectContaining({ field: 'url' }));
    expect(() => checkEvidence({ ...base, controlIds: ['A.5.15'] }, '2026-01-02')).toThrow(/write 5\.15/);
    expect(() => checkEvidence({ ...base, controlIds: ['5.38'] }, '2026-01-02')).toThrow(expect.objectContaining({ field: 'controlIds' }));
    expect(() => checkEvidence({ ...base, isolationTest: 'passed', systemIds: [] }, '2026-01-02')).toThrow(expect.objectContaining({ field: 'systemIds' }));
    expect(() => checkEvidence({ ...base, collectedOn: '2026-03-01' }, '2026-01-02')).toThrow(expect.objectContaining({ field: 'collectedOn' }));
  });

  it('turns isolation test evidence into one result per system', () => {
    expect(isolationTestsOf([
      { isolationTest: 'passed', systemIds: ['s1', 's2'], collectedOn: '2026-01-05' },
      { isolationTest: null, systemIds: ['s3'], collectedOn: '2026-01-05' },
      { isolationTest: 'failed', systemIds: ['s3'], collectedOn: '2026-01-06' },
    ])).toEqual([
      { systemId: 's1', testedOn: '2026-01-05', passed: true },
      { systemId: 's2', testedOn: '2026-01-05', passed: true },
      { systemId: 's3', testedOn: '2026-01-06', passed: false },
    ]);
  });
});

describe('evidence file types', () => {
  it('accepts the listed types (aliases and parameters too) and nothing else', () => {
    expect(evidenceFileType('application/pdf')?.type).toBe('application/pdf');
    expect(evidenceFileType('text/plain; charset=utf-8')?.type).toBe('text/plain');
    expect(evidenceFileType('image/jpg')?.type).toBe('image/jpeg');
    for (const t of ['text/html', 'application/x-msdownload', 'image/svg+xml', 'application/octet-stream', '', undefined]) expect(evidenceFileType(t)).toBeUndefined();
  });

  it('matches the content against the declared type by magic bytes', () => {
    const pdf = Buffer.from('%PDF-1.7\n');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(contentMismatch(type('application/pdf'), pdf)).toBeNull();
    expect(contentMismatch(type('image/png'), png)).toBeNull();
    expect(contentMismatch(type('image/jpeg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBeNull();
    expect(contentMismatch(type('image/png'), pdf)).toMatch(/looks like a PDF/);
    expect(contentMismatch(type('application/pdf'), Buffer.from('MZ\x90\x00'))).toMatch(/executable/);
    expect(contentMismatch(type('text/plain'), png)).toMatch(/looks like a PNG/);
    expect(contentMismatch(type('text/csv'), Buffer.from('a,b\n1,2\n'))).toBeNull();
    expect(contentMismatch(type('application/json'), Buffer.from('{"a":1}'))).toBeNull();
    expect(contentMismatch(type('application/json'), Buffer.from('{"a":'))).toMatch(/not valid JSON/);
    expect(contentMismatch(type('application/zip'), zipWith('notes.txt'))).toBeNull();
    expect(contentMismatch(type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), zipWith('xl/workbook.xml'))).toBeNull();
    expect(contentMismatch(type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'), zipWith('notes.txt'))).toMatch(/not an XLSX/);
    expect(contentMismatch(type('application/vnd.openxmlformats-officedocument.wordprocessingml.document'), zipWith('word/document.xml'))).toBeNull();
    expect(sniff(Buffer.from([0, 1, 2, 0xff]))).toBe('binary data');
  });

  it('cleans file names and writes a safe Content-Disposition', () => {
    expect(cleanFileName('../../etc/passwd', 'x')).toBe('passwd');
    expect(cleanFileName('C:\\reports\\q1.pdf', 'x')).toBe('q1.pdf');
    expect(cleanFileName('a"b\u0000\n.pdf', 'x')).toBe('ab.pdf');
    expect(cleanFileName('..', 'evidence.pdf')).toBe('evidence.pdf');
    expect(attachmentHeader('Prüfung "Q1".pdf')).toBe(`attachment; filename="Pr_fung _Q1_.pdf"; filename*=UTF-8''${encodeURIComponent('Prüfung "Q1".pdf')}`);
  });
});

describe('control exceptions', () => {
  const valid = { name: 'x', controlId: '8.5', systemId: 's', reason: 'r', compensatingMeasures: 'c', residualRiskRationale: 'k', expiresOn: '2026-06-30', reviewOn: '2026-03-31' };

  it('requires written justification, one scope, a future expiry at creation and a review on or before it', () => {
    expect(() => checkControlException(valid, '2026-01-01')).not.toThrow();
    expect(() => checkControlException({ ...valid, reason: ' ' }, '2026-01-01')).toThrow(expect.objectContaining({ field: 'reason' }));
    expect(() => checkControlException({ ...valid, systemId: null }, '2026-01-01')).toThrow(expect.objectContaining({ field: 'systemId' }));
    expect(() => checkControlException({ ...valid, tier: 'A' }, '2026-01-01')).toThrow(expect.objectContaining({ field: 'tier' }));
    expect(() => checkControlException({ ...valid, controlId: '9.1' }, '2026-01-01')).toThrow(expect.objectContaining({ field: 'controlId' }));
    expect(() => checkControlException(valid, '2026-06-30')).toThrow(expect.objectContaining({ field: 'expiresOn' }));
    // an existing exception may run past its expiry (it is then served as expired)
    expect(() => checkControlException({ ...valid, id: 'e' }, '2026-07-01')).not.toThrow();
    expect(() => checkControlException({ ...valid, reviewOn: '2026-07-01' }, '2026-01-01')).toThrow(expect.objectContaining({ field: 'reviewOn' }));
  });

  it('serves expiry and overdue reviews as of today', () => {
    expect(presentControlException({ ...valid, status: 'approved' }, '2026-03-31')).toMatchObject({ status: 'approved', reviewOverdue: false, overdue: false });
    expect(presentControlException({ ...valid, status: 'approved' }, '2026-04-01')).toMatchObject({ status: 'approved', reviewOverdue: true, overdue: true });
    expect(presentControlException({ ...valid, status: 'approved' }, '2026-07-01')).toMatchObject({ status: 'expired', overdue: true });
    expect(presentControlException({ ...valid, status: 'proposed' }, '2026-07-01')).toMatchObject({ status: 'proposed', overdue: false });
  });

  it('feeds the scope linter only system-scoped exceptions on the controls a rule stands for', () => {
    const out = scopeExceptionsOf([
      { ...valid, slug: 'a', controlId: '8.33', status: 'approved' },
      { ...valid, slug: 'b', controlId: '8.31', status: 'proposed' },
      { ...valid, slug: 'c', controlId: '5.15', status: 'approved' },
      { ...valid, slug: 'd', controlId: '8.33', systemId: null, tier: 'A', status: 'approved' },
    ]);
    expect(out).toEqual([
      { ruleId: 'nonproduction-receives-personal-data', objectId: 's', approved: true, expiresOn: '2026-06-30', reference: 'a (control 8.33)' },
      { ruleId: 'nonproduction-receives-personal-data', objectId: 's', approved: false, expiresOn: '2026-06-30', reference: 'b (control 8.31)' },
    ]);
  });

  it('a service-scoped exception covers every system of the service', () => {
    const byService = systemsByService([{ id: 'db', serviceIds: ['svc'] }, { id: 'staging', serviceIds: ['svc', 'other'] }, { id: 'x', serviceIds: [] }]);
    const out = scopeExceptionsOf([{ ...valid, slug: 's', systemId: null, serviceId: 'svc', controlId: '8.33', status: 'approved' }], byService);
    expect(out.map((e) => e.objectId)).toEqual(['db', 'staging']);
    expect(scopeExceptionsOf([{ ...valid, slug: 's', systemId: null, serviceId: 'none', controlId: '8.33', status: 'approved' }], byService)).toEqual([]);
  });
});
