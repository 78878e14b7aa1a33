import { addMonths } from '../dates.js';
import { finding, type Finding, type ScopeRule } from '../finding.js';
import { vendorRef } from '../graph.js';
import { describeCategories } from '../wording.js';
import { vendorCustomerData } from './vendor-data.js';

/** ISO 27001 A.5.22: supplier services are monitored and reviewed, more often the more critical the supplier. */
export const vendorReviewOverdue: ScopeRule = {
  id: 'vendor-review-overdue',
  severity: 'warning',
  title: 'Vendor security review overdue',
  description: 'A vendor handles customer or personal data and its last security review is older than its criticality allows (by default: critical and high 12 months, medium 24, low 36).',
  check(ctx) {
    const g = ctx.graph;
    const out: Finding[] = [];
    g.vendors.forEach((v, i) => {
      if (!v.reviewedOn || (v.reviewStatus !== 'approved' && v.reviewStatus !== 'approved-with-conditions')) return;
      const months = ctx.reviewMaxAgeMonths[v.criticality];
      const due = addMonths(v.reviewedOn, months);
      if (due >= ctx.today) return;
      const data = vendorCustomerData(ctx, i);
      if (!data) return;
      out.push(finding(vendorReviewOverdue, {
        subject: vendorRef(g, i),
        field: 'reviewedOn',
        message: `${v.name} handles ${describeCategories(data.mask)}; its last security review was on ${v.reviewedOn}, and a ${v.criticality}-criticality vendor needs one every ${months} months, so the next was due on ${due}.`,
        path: data.path,
        hint: 'Review the vendor again (certifications, incidents, sub-processors, transfers) and record the new date.',
      }));
    });
    return out;
  },
};
