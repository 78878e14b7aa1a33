import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { as, seedOrg, startHarness, type Harness, type SeededOrg } from '../support/harness.js';

describe('smoke', () => {
  let h: Harness;
  let s: SeededOrg;
  beforeAll(async () => { h = await startHarness(); s = await seedOrg(h); });
  afterAll(async () => { await h.close(); });

  it('lists systems for the owner', async () => {
    const r = await as(h, s.tokens.owner, { method: 'GET', url: '/api/systems' });
    expect(r.statusCode).toBe(200);
    expect(r.json().items.map((x: any) => x.slug)).toEqual(['dedicated-a', 'dedicated-b', 'shared-db']);
  });
});
