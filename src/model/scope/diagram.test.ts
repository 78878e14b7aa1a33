import { describe, expect, it } from 'vitest';
import { model } from '../../../test/unit/scope/model-builder.js';
import { dotLabel, serviceDiagram, tenantDiagram } from './diagram.js';

/** The DOT text of the node or edge whose attributes hold `needle`. */
const lineWith = (dot: string, needle: string) => dot.split('\n').find((l) => l.includes(needle)) ?? '';

describe('dotLabel', () => {
  it('escapes quotes and backslashes, turns line breaks into \\n and drops control characters', () => {
    expect(dotLabel(['a "b" c'])).toBe('"a \\"b\\" c"');
    expect(dotLabel(['back\\slash \\N \\G'])).toBe('"back\\\\slash \\\\N \\\\G"');
    expect(dotLabel(['one\ntwo\r\nthree'])).toBe('"one\\ntwo\\nthree"');
    expect(dotLabel(['bell\u0007 nul\u0000 del\u007f'])).toBe('"bell  nul  del "');
    expect(dotLabel(['first', 'second'])).toBe('"first\\nsecond"');
  });

  it('writes & as an entity, so Graphviz shows it as typed', () => {
    expect(dotLabel(['R&D &lt;x&gt;'])).toBe('"R&amp;D &amp;lt;x&amp;gt;"');
  });

  it('a hostile name stays inside one quoted string', () => {
    const label = dotLabel(['x"]; evil [label="pwn"]; a -> "b', 'end\\']);
    // only the opening and closing quotes are unescaped
    expect(label.replace(/\\\\/g, '').replace(/\\"/g, '').split('"')).toHaveLength(3);
    expect(label.endsWith('\\\\"')).toBe(true);
  });

  it('markup is left to the SVG writer to escape: it is never in a position where DOT reads it as HTML', () => {
    // an HTML-like label would be <...> unquoted; every label here starts with a quote
    expect(dotLabel(['<b>bold</b>'])).toBe('"<b>bold</b>"');
  });
});

const org = () => model()
  .service('cloud').service('backup')
  .vendor('aws', { regions: ['us-east-1'] })
  .vendor('mail', { regions: ['eu-west-1'] })
  .tenant('acme', { services: ['cloud'], allowedRegions: ['EU'] })
  .tenant('globex', { services: ['cloud', 'backup'] })
  .system('web', { services: ['cloud'], host: 'aws' })
  .system('db', { services: ['cloud'] })
  .system('acme-db', { services: ['cloud'], tenants: ['acme'] })
  .system('globex-db', { services: ['cloud'], tenants: ['globex'], name: 'Globex private DB' })
  .system('chat', { services: ['cloud'], inScope: false, exclusionJustification: 'vendor tool' })
  .system('vault', { services: ['backup'] })
  .flow('web', 'db')
  .flow('acme-db', 'web')
  .flow('web', 'globex-db')
  .flow('web', 'chat')
  .flow('db', 'vault')
  .flow('web', 'vendor:mail');

describe('serviceDiagram', () => {
  it('draws the service\u2019s systems, flows between them, to vendors and out of the service, and hosting vendors', () => {
    const dot = serviceDiagram(org().graph(), 'service:cloud')!;
    expect(dot.startsWith('digraph isms {')).toBe(true);
    for (const name of ['System web', 'System db', 'System acme-db', 'Globex private DB', 'System chat']) expect(dot).toContain(`"${name}\\n`);
    expect(dot).toContain('Vendor mail');
    expect(dot).toContain('Vendor aws');
    expect(lineWith(dot, '"hosts"')).toMatch(/v0 -> s0/);
    // the backup vault belongs to another service: drawn, but said to be outside this one
    expect(lineWith(dot, 'System vault')).toContain('(not part of this service)');
    expect(lineWith(dot, 'System vault')).toContain('dotted');
    expect(dot.match(/ -> /g)!.length).toBe(6 + 1); // five flows from the service, one to a vendor, one hosting edge
  });

  it('marks out-of-scope systems and violations by colour AND by words, with a legend', () => {
    const dot = serviceDiagram(org().graph(), 'service:cloud', {
      breaches: new Map([['system:web', 'data outside allowed regions (us-east-1)']]),
      findings: new Map([['system:db', ['out-of-scope-customer-data', 'vendor-not-reviewed']]]),
    })!;
    const chat = lineWith(dot, 'System chat');
    expect(chat).toContain('OUT OF ISMS SCOPE');
    expect(chat).toContain('dashed');
    const web = lineWith(dot, '"System web');
    expect(web).toContain('VIOLATION: data outside allowed regions (us-east-1)');
    expect(web).toContain('color="#b00020"');
    expect(lineWith(dot, '"System db')).toContain('FINDING: out-of-scope-customer-data, vendor-not-reviewed');
    expect(dot).toContain('subgraph cluster_legend');
    expect(dot).toContain('legend_out');
    expect(dot).toContain('legend_bad');
  });

  it('the legend names only what the diagram shows', () => {
    const dot = serviceDiagram(org().graph(), 'service:backup')!;
    expect(dot).not.toContain('legend_out');
    expect(dot).not.toContain('legend_bad');
    expect(dot).toContain('legend_in');
  });

  it('is null for an unknown service, and draws at most maxSystems systems, marked ones first, saying how many are left out', () => {
    expect(serviceDiagram(org().graph(), 'service:nope')).toBeNull();
    const m = model().service('big');
    for (let i = 0; i < 12; i++) m.system(`s${String(i).padStart(2, '0')}`, { services: ['big'] });
    const dot = serviceDiagram(m.graph(), 'service:big', { maxSystems: 5, findings: new Map([['system:s11', ['x']]]) })!;
    expect(dot.match(/label="System s\d\d/g)).toHaveLength(5);
    expect(dot).toContain('System s11');
    expect(dot).not.toContain('System s10');
    expect(dot).toContain('7 more systems not drawn');
  });

  it('ids are generated: a name never becomes a node id', () => {
    const m = model().service('x').system('a', { services: ['x'], name: 'n1 -> n2' }).system('b', { services: ['x'], name: 'cluster_legend' }).flow('a', 'b');
    const dot = serviceDiagram(m.graph(), 'service:x')!;
    expect(dot).toMatch(/^ {2}s0 -> s1 \[/m);
    expect(dot.match(/^ {2}\w+ -> \w+ \[/gm)).toHaveLength(1);
  });
});

describe('tenantDiagram', () => {
  it('draws the tenant, the systems serving it and where its data flows, never a system dedicated to another tenant', () => {
    const g = org().graph();
    const dot = tenantDiagram(g, 'tenant:acme')!;
    expect(dot).toContain('Tenant acme');
    expect(dot).toContain('data allowed in EU');
    for (const name of ['System web', 'System db', 'System acme-db', 'System chat', 'Vendor mail', 'Vendor aws']) expect(dot).toContain(name);
    expect(dot).not.toContain('Globex');
    expect(dot).not.toContain('globex');
    // the backup service is not acme's: its vault receives acme's data only through db, which acme's data reaches
    expect(dot).toContain('System vault');
    expect(lineWith(dot, 'tenant -> s2')).toContain('served by');
  });

  it('marks a residency breach in words and is null for an unknown tenant', () => {
    const dot = tenantDiagram(org().graph(), 'tenant:acme', { breaches: new Map([['vendor:aws', 'outside allowed regions (us-east-1)']]) })!;
    expect(lineWith(dot, 'Vendor aws')).toContain('VIOLATION: outside allowed regions (us-east-1)');
    expect(tenantDiagram(org().graph(), 'tenant:nope')).toBeNull();
  });
});

describe('diagram size bounds (Graphviz layout time grows fast with edges)', () => {
  it('draws parallel flows as one edge, drops flow names past 60 edges and edges past 400, saying so', () => {
    const m = model().service('big');
    for (let i = 0; i < 40; i++) m.system(`s${String(i).padStart(2, '0')}`, { services: ['big'] });
    m.flow('s00', 's01', { slug: 'p1' }).flow('s00', 's01', { slug: 'p2' });
    const parallel = serviceDiagram(m.graph(), 'service:big')!;
    expect(parallel.match(/s\d+ -> s\d+ \[/g)).toHaveLength(1);
    expect(parallel).toContain('2 flows: Flow p1, …');
    for (let a = 0; a < 40; a++) for (let b = 0; b < 40; b++) if (a !== b && (a * 7 + b) % 3 === 0) m.flow(`s${String(a).padStart(2, '0')}`, `s${String(b).padStart(2, '0')}`, { slug: `f-${a}-${b}` });
    const dense = serviceDiagram(m.graph(), 'service:big', { findings: new Map([['flow:f-39-36', ['x']]]) })!;
    const edges = dense.match(/^ {2}s\d+ -> s\d+ \[.*$/gm)!;
    expect(edges).toHaveLength(400);
    expect(dense).toMatch(/\d+ more flow edges not drawn/);
    expect(dense).toContain('flow edges: names left out');
    // unlabelled, except the edge with a finding, which is kept and named
    expect(edges.filter((e) => e.includes('label=')).map((e) => e.slice(2, e.indexOf(' ['))))
      .toEqual([`s${39} -> s${36}`]);
  });
});
