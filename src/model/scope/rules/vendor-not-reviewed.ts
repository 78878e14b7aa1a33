import { finding, type Finding, type ScopeRule } from '../finding.js';
import { vendorRef } from '../graph.js';
import { describeCategories } from '../wording.js';
import { vendorCustomerData } from './vendor-data.js';

const PASSED = new Set(['approved', 'approved-with-conditions']);

/** ISO 27001 A.5.19–A.5.22 supplier security; GDPR Art. 28(1) sufficient guarantees. */
export const vendorNotReviewed: ScopeRule = {
  id: 'vendor-not-reviewed',
  severity: 'error',
  title: 'Vendor with customer data and no security review',
  description: 'A vendor handles customer or personal data but has no completed, passed security review with a date.',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    g.vendors.forEach((v, i) => {
      const passed = PASSED.has(v.reviewStatus);
      if (passed && v.reviewedOn) return;
      const data = vendorCustomerData(ctx, i);
      if (!data) return;
      const state = v.reviewStatus === 'rejected' ? 'failed its security review (rejected)'
        : v.reviewStatus === 'in-review' ? 'is still in security review, with no completed review'
          : passed ? `is marked ${v.reviewStatus} but no review date is recorded`
            : 'has never had a security review';
      out.push(finding(vendorNotReviewed, {
        subject: vendorRef(g, i),
        field: passed ? 'reviewedOn' : 'reviewStatus',
        message: `${v.name} handles ${describeCategories(data.mask)} but ${state}.`,
        path: data.path,
        hint: v.reviewStatus === 'rejected'
          ? 'Stop sending customer data to the vendor, or record the risk acceptance and the conditions that make it acceptable.'
          : 'Complete a security review of the vendor (certifications, DPA, sub-processors, transfers) and record its outcome and date.',
      }));
    });
    return out;
  },
};
