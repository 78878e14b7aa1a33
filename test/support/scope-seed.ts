import { actorForMember, operatorActor } from '../../src/services/provisioning.js';
import { approveChangeRequest, createChangeRequest, submitChangeRequest } from '../../src/services/scope-statement.js';
import type { Harness, SeededOrg } from './harness.js';

/**
 * Scope statement versions 1 and 2 and one change request per thing the isolation test does to a request
 * (edit, submit, withdraw, approve, reject), so that each route has an object of its own to act on. The
 * requests are the operator's, so the organization's owner may decide them; their ids go into `s.ids`.
 */
export async function seedScope(h: Harness, s: SeededOrg): Promise<void> {
  const db = h.database.db;
  const requester = operatorActor(s.org.orgId);
  const approver = await actorForMember(db, s.org, s.emails['isms-manager']!);
  const impact = { assets: 'Shared DB.', risks: 'None new.', controls: 'A.5.23.', tenants: 'None.' };
  const proposed = (text: string) => ({
    text, serviceIds: [s.ids.service!, s.ids.service2!], locations: ['Dublin'], teams: ['Operations'],
    exclusions: [{ subject: 'Corporate IT', justification: 'Operated by a certified vendor.' }],
  });
  const request = (title: string, text = 'The ISMS covers hosting and backup.') =>
    createChangeRequest(db, requester, { title, kind: 'other', impact, proposed: proposed(text) });
  for (const text of ['The ISMS covers hosting and backup.', 'The ISMS covers hosting and backup,\noperated from Dublin.']) {
    const cr = await request(`Version from: ${text}`, text);
    await submitChangeRequest(db, requester, cr.id);
    await approveChangeRequest(db, approver, cr.id, {});
  }
  s.ids.scopeDraft = (await request('Draft to edit')).id;
  s.ids.scopeToSubmit = (await request('Draft to submit')).id;
  s.ids.scopeToWithdraw = (await request('Draft to withdraw')).id;
  for (const key of ['scopeToApprove', 'scopeToReject']) {
    const cr = await request(key);
    await submitChangeRequest(db, requester, cr.id);
    s.ids[key] = cr.id;
  }
}
