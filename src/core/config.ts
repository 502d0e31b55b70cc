import { invalid } from './errors.js';
import { FixtureSettings, inspectFixture, problemLines, type FixtureProblem } from './fixture.js';
import type { RuleScope } from './schemas.js';
import { formatPath } from './validate.js';

/*
 * Configuration as code (R37): a tenant's configuration in the fixture format (so `deskctl seed`
 * reads an export too), compared with the live configuration as a plan, applied by the engine in
 * one transaction. Pure: the engine reads the state and writes the changes.
 *
 * What a file means (terraform-like): for the kinds a configuration covers — departments and
 * their categories, organizations, agents, rules — the file is the whole set: an entry absent from
 * the file is removed. Within an entry, the file is the whole entry too: an organization without
 * `parent` has none, an agent without `departments` works in none and without `admin` is not one.
 * Settings are the exception: a setting absent from the file is left as it is. Customers, tickets
 * and drafts are data, not configuration: a file that carries them is refused.
 */

/** The configuration of a tenant, as `config export` writes it (a fixture without customers, tickets or drafts). */
export interface ConfigDoc {
  settings: Record<string, unknown>;
  departments: { name: string; categories: string[] }[];
  organizations: { name: string; parent: string | null }[];
  agents: { email: string; name: string; departments: string[]; admin: boolean }[];
  rules: ({ department: string; category: string } | { department: string; scope: 'none' | 'all' })[];
}

/** The live configuration, read by the engine, with what removals need to know. */
export interface ConfigState {
  settings: Record<string, unknown>;
  departments: { name: string; categories: string[] }[];
  organizations: { name: string; parent: string | null }[];
  agents: { email: string; name: string; departments: string[]; admin: boolean }[];
  rules: { id: number; department: string; scope: RuleScope; category: string | null }[];
  /** Tickets and drafts per department, per category (`department\u0000category`) and per organization. */
  usage: { departments: Record<string, number>; categories: Record<string, number>; organizations: Record<string, number> };
  /** Customers (not removed) per organization. */
  members: Record<string, number>;
}

export const CONFIG_KINDS = ['setting', 'department', 'category', 'organization', 'agent', 'rule'] as const;
export type ConfigKind = (typeof CONFIG_KINDS)[number];

export interface ConfigChange {
  action: 'add' | 'remove' | 'change';
  kind: ConfigKind;
  key: string;
  from: unknown;
  to: unknown;
}

export interface PlanSummary {
  add: number;
  change: number;
  remove: number;
}

/** The settings a configuration carries: the fixture's (FixtureSettings), in its order. */
export const CONFIG_SETTING_KEYS = Object.keys(FixtureSettings.shape);

const ruleKey = (department: string, scope: RuleScope, category: string | null) =>
  `${department}: ${scope === 'category' ? `category ${category}` : scope === 'none' ? 'no category' : 'all categories'}`;
const catKey = (department: string, category: string) => `${department}/${category}`;
const sorted = (xs: readonly string[]) => [...xs].sort();

/** The live configuration as a file: what `config export` prints (and what a fingerprint is made of). */
export function exportDoc(s: ConfigState): ConfigDoc {
  return {
    settings: Object.fromEntries(CONFIG_SETTING_KEYS.filter((k) => k in s.settings).map((k) => [k, s.settings[k]])),
    departments: s.departments.map((d) => ({ name: d.name, categories: [...d.categories] })),
    organizations: s.organizations.map((o) => ({ name: o.name, parent: o.parent })),
    agents: s.agents.map((a) => ({ email: a.email, name: a.name, departments: [...a.departments], admin: a.admin })),
    rules: s.rules.map((r) => (r.scope === 'category' ? { department: r.department, category: r.category! } : { department: r.department, scope: r.scope })),
  };
}

const NOT_CONFIG = ['customers', 'tickets', 'drafts'] as const;

/**
 * The plan: every change that brings the live state to the file, in the order they are applied,
 * or every problem of the file against the state, each at the path of the offending entry.
 */
export function planChanges(input: unknown, s: ConfigState): ConfigChange[] {
  const inspected = inspectFixture(input);
  const problems: FixtureProblem[] = [...inspected.problems];
  const raw = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  for (const key of NOT_CONFIG) {
    if (raw[key] !== undefined && !(Array.isArray(raw[key]) && raw[key].length === 0)) {
      problems.push({ path: [key], message: `${key} are data, not configuration: config covers settings, departments, organizations, agents and rules (deskctl seed loads ${key})` });
    }
  }
  const fx = inspected.lenient;
  const at = (path: (string | number)[], message: string) => problems.push({ path, message });
  const firstSeen = (seen: Map<string, string>, key: string, path: (string | number)[], what: string) => {
    const earlier = seen.get(key);
    if (earlier !== undefined) at(path, `duplicate ${what} (also ${earlier})`);
    else seen.set(key, formatPath(path.slice(0, 2)));
  };

  // The file's departments and categories: the whole set after the plan.
  const cats = new Map<string, Set<string>>();
  const deptIndex = new Map<string, number>();
  const seenDepts = new Map<string, string>();
  fx.departments.forEach((d, i) => {
    if (!d) return;
    firstSeen(seenDepts, d.name, ['departments', i, 'name'], `department "${d.name}"`);
    if (!deptIndex.has(d.name)) deptIndex.set(d.name, i);
    const set = cats.get(d.name) ?? new Set<string>();
    cats.set(d.name, set);
    d.categories.forEach((c, k) => {
      if (set.has(c)) at(['departments', i, 'categories', k], `duplicate category "${c}"`);
      set.add(c);
    });
  });
  const inFile = (what: string) => `unknown ${what} (not in the file: what the file leaves out is removed)`;

  const orgs = new Map<string, string | null>();
  const orgIndex = new Map<string, number>();
  const seenOrgs = new Map<string, string>();
  fx.organizations.forEach((o, i) => {
    if (!o) return;
    firstSeen(seenOrgs, o.name, ['organizations', i, 'name'], `organization "${o.name}"`);
    if (!orgIndex.has(o.name)) orgIndex.set(o.name, i);
    orgs.set(o.name, null);
  });
  fx.organizations.forEach((o, i) => {
    if (!o?.parent) return;
    if (o.parent === o.name) at(['organizations', i, 'parent'], 'an organization cannot be its own parent (R2)');
    else if (!orgs.has(o.parent)) at(['organizations', i, 'parent'], inFile(`organization "${o.parent}"`));
    else orgs.set(o.name, o.parent);
  });
  const reported = new Set<string>();
  fx.organizations.forEach((o, i) => {
    if (!o?.parent || !orgs.has(o.parent) || o.parent === o.name) return;
    const chain = [o.name];
    for (let p = orgs.get(o.name) ?? null; p !== null && chain.length <= orgs.size; p = orgs.get(p) ?? null) {
      if (p === o.name) {
        const key = sorted(chain).join('\u0000');
        if (!reported.has(key)) at(['organizations', i, 'parent'], `${[...chain, o.name].map((n) => `"${n}"`).join(' → ')} would be a cycle of parents (R2)`);
        reported.add(key);
        break;
      }
      if (chain.includes(p)) break;
      chain.push(p);
    }
  });

  const seenAgents = new Map<string, string>();
  fx.agents.forEach((a, i) => {
    if (!a) return;
    firstSeen(seenAgents, a.email, ['agents', i, 'email'], `agent ${a.email}`);
    a.departments.forEach((d, k) => {
      if (!cats.has(d)) at(['agents', i, 'departments', k], inFile(`department "${d}"`));
    });
  });

  const seenRules = new Map<string, string>();
  const fileRules = new Set<string>();
  fx.rules.forEach((r, i) => {
    if (!r) return;
    const scope: RuleScope = r.scope ?? 'category';
    if (!cats.has(r.department)) at(['rules', i, 'department'], inFile(`department "${r.department}"`));
    else if (scope === 'category' && r.category && !cats.get(r.department)!.has(r.category)) {
      at(['rules', i, 'category'], `unknown category "${r.category}" in department "${r.department}" (not in the file: what the file leaves out is removed)`);
    }
    const key = ruleKey(r.department, scope, scope === 'category' ? (r.category ?? null) : null);
    firstSeen(seenRules, key, ['rules', i], 'rule');
    fileRules.add(key);
  });

  // What the plan would remove must be removable: nothing that tickets, drafts or customers use.
  const uses = (n: number) => `${n} ticket${n === 1 ? '' : 's'} or draft${n === 1 ? '' : 's'}`;
  for (const d of s.departments) {
    if (!cats.has(d.name)) {
      const n = s.usage.departments[d.name] ?? 0;
      if (n) at(['departments'], `department "${d.name}" is not in the file, so the plan would remove it, but ${uses(n)} use it; keep it in the file`);
      continue;
    }
    for (const c of d.categories) {
      const n = s.usage.categories[`${d.name}\u0000${c}`] ?? 0;
      if (!cats.get(d.name)!.has(c) && n) {
        at(['departments', deptIndex.get(d.name)!, 'categories'], `category "${c}" is not in the list, so the plan would remove it, but ${uses(n)} use it; keep it in the list`);
      }
    }
  }
  for (const o of s.organizations) {
    if (orgs.has(o.name)) continue;
    const members = s.members[o.name] ?? 0;
    const n = s.usage.organizations[o.name] ?? 0;
    if (members) at(['organizations'], `organization "${o.name}" is not in the file, so the plan would remove it, but it has ${members} customer${members === 1 ? '' : 's'}; keep it in the file, or move them first`);
    else if (n) at(['organizations'], `organization "${o.name}" is not in the file, so the plan would remove it, but ${uses(n)} use it; keep it in the file`);
  }
  if (problems.length || !inspected.fixture) {
    const lines = problemLines(problems);
    throw invalid(`invalid configuration: ${lines.join('; ')}`, lines);
  }
  const file = inspected.fixture;

  // The changes, in the order apply makes them.
  const changes: ConfigChange[] = [];
  for (const [key, value] of Object.entries(file.settings ?? {})) {
    if (value === undefined) continue;
    if (JSON.stringify(s.settings[key]) !== JSON.stringify(value)) changes.push({ action: 'change', kind: 'setting', key, from: s.settings[key] ?? null, to: value });
  }
  const liveRules = new Map(s.rules.map((r) => [ruleKey(r.department, r.scope, r.category), r]));
  for (const [key, r] of liveRules) {
    if (!fileRules.has(key)) changes.push({ action: 'remove', kind: 'rule', key, from: { id: r.id, department: r.department, scope: r.scope, category: r.category }, to: null });
  }
  const liveAgents = new Map(s.agents.map((a) => [a.email, a]));
  const fileAgents = new Map(file.agents.map((a) => [a.email, a]));
  for (const a of s.agents) {
    if (!fileAgents.has(a.email)) changes.push({ action: 'remove', kind: 'agent', key: a.email, from: a, to: null });
  }
  const liveDepts = new Map(s.departments.map((d) => [d.name, d]));
  for (const d of s.departments) {
    const want = cats.get(d.name);
    if (!want) continue;
    for (const c of d.categories) if (!want.has(c)) changes.push({ action: 'remove', kind: 'category', key: catKey(d.name, c), from: { department: d.name, name: c }, to: null });
  }
  for (const d of s.departments) {
    if (!cats.has(d.name)) changes.push({ action: 'remove', kind: 'department', key: d.name, from: { name: d.name, categories: d.categories }, to: null });
  }
  for (const d of file.departments) {
    if (!liveDepts.has(d.name)) changes.push({ action: 'add', kind: 'department', key: d.name, from: null, to: { name: d.name } });
    const have = new Set(liveDepts.get(d.name)?.categories ?? []);
    for (const c of new Set(d.categories)) if (!have.has(c)) changes.push({ action: 'add', kind: 'category', key: catKey(d.name, c), from: null, to: { department: d.name, name: c } });
  }
  const liveOrgs = new Map(s.organizations.map((o) => [o.name, o]));
  for (const o of file.organizations) {
    const parent = o.parent ?? null;
    const live = liveOrgs.get(o.name);
    if (!live) changes.push({ action: 'add', kind: 'organization', key: o.name, from: null, to: { name: o.name, parent } });
    else if (live.parent !== parent) changes.push({ action: 'change', kind: 'organization', key: o.name, from: { parent: live.parent }, to: { parent } });
  }
  for (const o of s.organizations) {
    if (!orgs.has(o.name)) changes.push({ action: 'remove', kind: 'organization', key: o.name, from: o, to: null });
  }
  for (const a of file.agents) {
    const want = { email: a.email, name: a.name, departments: sorted([...new Set(a.departments)]), admin: Boolean(a.admin) };
    const live = liveAgents.get(a.email);
    if (!live) {
      changes.push({ action: 'add', kind: 'agent', key: a.email, from: null, to: want });
      continue;
    }
    const from: Record<string, unknown> = {};
    const to: Record<string, unknown> = {};
    if (live.name !== want.name) [from.name, to.name] = [live.name, want.name];
    if (live.admin !== want.admin) [from.admin, to.admin] = [live.admin, want.admin];
    if (JSON.stringify(sorted(live.departments)) !== JSON.stringify(want.departments)) [from.departments, to.departments] = [sorted(live.departments), want.departments];
    if (Object.keys(to).length) changes.push({ action: 'change', kind: 'agent', key: a.email, from, to });
  }
  for (const r of file.rules) {
    const scope: RuleScope = r.scope ?? 'category';
    const category = scope === 'category' ? r.category! : null;
    const key = ruleKey(r.department, scope, category);
    if (!liveRules.has(key)) changes.push({ action: 'add', kind: 'rule', key, from: null, to: { department: r.department, scope, category } });
  }
  return changes;
}

export function summarize(changes: readonly ConfigChange[]): PlanSummary {
  return {
    add: changes.filter((c) => c.action === 'add').length,
    change: changes.filter((c) => c.action === 'change').length,
    remove: changes.filter((c) => c.action === 'remove').length,
  };
}

/** The closing line of a plan, as terraform words it. */
export function summaryLine(s: PlanSummary): string {
  return s.add + s.change + s.remove === 0 ? 'No changes.' : `Plan: ${s.add} to add, ${s.change} to change, ${s.remove} to remove.`;
}

const show = (v: unknown) => (v === null || v === undefined ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line of a plan for a person: `+ department Comercial`, `~ setting approval.mode: disabled → departments`. */
export function changeLine(c: ConfigChange): string {
  const sign = c.action === 'add' ? '+' : c.action === 'remove' ? '-' : '~';
  if (c.action !== 'change') {
    const extra = c.kind === 'rule' && c.action === 'remove' ? ` (rule ${(c.from as { id: number }).id})` : c.kind === 'organization' && c.action === 'add' && (c.to as { parent: string | null }).parent ? ` (parent ${(c.to as { parent: string }).parent})` : '';
    return `${sign} ${c.kind} ${c.key}${extra}`;
  }
  const from = c.from as Record<string, unknown>;
  const to = c.to as Record<string, unknown>;
  if (c.kind === 'setting') return `${sign} setting ${c.key}: ${show(c.from)} → ${show(c.to)}`;
  const fields = Object.keys(to).map((k) => `${k} ${show(from[k])} → ${show(to[k])}`);
  return `${sign} ${c.kind} ${c.key}: ${fields.join('; ')}`;
}
