import YAML from 'yaml';
import { z } from 'zod';
import { invalid } from './errors.js';
import { APPROVAL_MODES, CHANNELS, LOCALES, Sender, Message, Name, Phone, PRIORITIES, RULE_SCOPES, SERVICE_CHANNELS, STATUSES, Subject, TimeZone, VISIBILITIES } from './schemas.js';
import { formatPath, inspectJson } from './validate.js';

/*
 * The tenant fixture of `deskctl seed` (see test/fixtures/example.yaml and the README).
 * Every schema here is also the source of schemas/fixture.schema.json (`npm run schema:fixture`),
 * so it sticks to shapes JSON Schema can say: trims and lower-casing are fine, transforms are not
 * needed to read a fixture.
 */

const FxEmail = z.string().trim().toLowerCase().email({ error: 'invalid e-mail' });
const Ref = z.string().trim().min(1, 'must not be empty').max(100, 'at most 100 characters');
/** A time of a ticket's life: from 1970 to 9999, since its protocol begins with the year (`0-000003` came from year 0). */
const Instant = z.iso
  .datetime({ offset: true, error: 'expected an ISO-8601 time with a zone, e.g. 2026-10-01T12:00:00Z' })
  .refine((s) => {
    const t = Date.parse(s);
    return t >= 0 && t < Date.UTC(10_000, 0, 1);
  }, 'expected a time from 1970 to 9999');
const Scalar = z.union([z.string(), z.number(), z.boolean()]);
const Fields = z.record(z.string().min(1), Scalar);
const FxAttachment = z.strictObject({ name: z.string().min(1), size: z.number().int().nonnegative(), sha256: z.string() });
const Channel = z.enum(CHANNELS, { error: `expected one of ${CHANNELS.join(', ')}` });

const FxHours = z.number({ error: 'expected a number of hours' }).int('a whole number of hours').min(0, 'at least 0 (0: never)').max(24 * 365, 'at most 8760 hours');

export const FixtureSettings = z
  .strictObject({
    'approval.mode': z.enum(APPROVAL_MODES, { error: `expected one of ${APPROVAL_MODES.join(', ')}` }),
    'reopen.allowed': z.boolean({ error: 'expected true or false' }),
    'response.forecastHours': z.number({ error: 'expected a number of hours' }).positive('must be more than 0').max(24 * 365, 'at most 8760 hours'),
    timezone: TimeZone,
    'undo.windowHours': z.number({ error: 'expected a number of hours' }).int('a whole number of hours').min(0, 'at least 0').max(24 * 365, 'at most 8760 hours'),
    'tickets.customerCreation': z.boolean({ error: 'expected true or false' }),
    'tickets.attachments': z.boolean({ error: 'expected true or false' }),
    // R33-R35: who e-mails come from, where push goes, the reminders' hours, the templates' language.
    locale: z.enum(LOCALES, { error: `expected one of ${LOCALES.join(', ')}` }),
    'notifications.from': Sender.nullable(),
    'notifications.pushUrl': z.url({ protocol: /^https?$/, error: 'expected an http(s) address, such as https://hooks.example.com/deskctl' }).nullable(),
    'approval.remindAfterHours': FxHours,
    'approval.escalateAfterHours': FxHours,
    'tickets.remindAfterHours': FxHours,
  })
  .partial();

/** R42: a topic and what it requires; a requirement left out leaves an existing topic's as it is (a new one: false). */
export const FixtureTopic = z.strictObject({
  name: Name,
  requireProcess: z.boolean({ error: 'expected true or false' }).optional(),
  requireServiceChannel: z.boolean({ error: 'expected true or false' }).optional(),
  requireStatusDetail: z.boolean({ error: 'expected true or false' }).optional(),
});

export const FixtureDepartment = z.strictObject({
  name: Name,
  categories: z.array(Name).default([]),
});

export const FixtureOrganization = z.strictObject({
  name: Name,
  /** The parent organization (its "matriz"); null clears it, absent leaves an existing one as it is. */
  parent: Name.nullish(),
});

export const FixtureCustomer = z
  .strictObject({
    email: FxEmail,
    name: Name,
    organization: Name.nullish(),
    manager: z.boolean().optional(),
    active: z.boolean().optional(),
    phone: Phone.nullish(),
    /** R30: the customer is sent no automatic WhatsApp message. */
    blockAutomaticMessages: z.boolean().optional(),
  })
  .superRefine((c, ctx) => {
    if (c.manager && !c.organization) {
      ctx.addIssue({ code: 'custom', path: ['manager'], message: 'a manager belongs to an organization: give organization (R3)' });
    }
  });

export const FixtureAgent = z.strictObject({
  email: FxEmail,
  name: Name,
  departments: z.array(Name).default([]),
  admin: z.boolean().optional(),
});

export const FixtureRule = z
  .strictObject({
    department: Name,
    /** One category; or leave it out and give `scope: none` (no category) or `scope: all`. */
    category: Name.optional(),
    scope: z.enum(RULE_SCOPES, { error: `expected one of ${RULE_SCOPES.join(', ')}` }).optional(),
  })
  .superRefine((r, ctx) => {
    const scope = r.scope ?? (r.category ? 'category' : undefined);
    if (!scope) ctx.addIssue({ code: 'custom', path: ['scope'], message: 'give a category, or scope: none (no category) or scope: all (R6)' });
    else if (scope === 'category' && !r.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'scope: category needs a category (R6)' });
    else if (scope !== 'category' && r.category) ctx.addIssue({ code: 'custom', path: ['category'], message: `scope: ${scope} takes no category (R6)` });
  });

const FINAL = ['solved', 'closed'];

/** What a fixture ticket and a fixture draft both carry: the request itself. */
const REQUEST = {
  /** The idempotency key: a ticket or draft (or what it became) with this ref is never created again. */
  ref: Ref,
  requester: FxEmail,
  department: Name,
  category: Name.nullish(),
  subject: Subject,
  message: Message,
  channel: Channel.default('panel'),
  fields: Fields.optional(),
  attachments: z.array(FxAttachment).optional(),
  /** R42: a topic of the fixture or the tenant, its requirements met by the fields below. */
  topic: Name.optional(),
  serviceChannel: z.enum(SERVICE_CHANNELS, { error: `expected one of ${SERVICE_CHANNELS.join(', ')}` }).optional(),
  statusDetail: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  processRef: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  type: Name.nullish(),
  priority: z.enum(PRIORITIES, { error: `expected one of ${PRIORITIES.join(', ')}` }).optional(),
};

export const FixtureTicket = z
  .strictObject({
    ...REQUEST,
    visibility: z.enum(VISIBILITIES, { error: `expected one of ${VISIBILITIES.join(', ')}` }).optional(),
    /** Given: the ticket is recorded with this status (no approval); absent: the normal creation flow. */
    status: z.enum(STATUSES, { error: `expected one of ${STATUSES.join(', ')}` }).optional(),
    agent: FxEmail.optional(),
    /** R39: customers who follow the ticket (of the requester's organization, as an admin may add any). */
    participants: z.array(FxEmail).optional(),
    rating: z.number({ error: 'a rating is a whole number from 1 to 5' }).int('a rating is a whole number from 1 to 5').min(1, 'a rating is from 1 to 5').max(5, 'a rating is from 1 to 5').optional(),
    ratingComment: z.string().max(2000, 'at most 2000 characters').optional(),
    createdAt: Instant.optional(),
    solvedAt: Instant.optional(),
    closedAt: Instant.optional(),
  })
  .superRefine((t, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (t.channel === 'email' && t.category) issue('category', 'a request by e-mail never carries a category (R9)');
    if (t.visibility === 'internal' && t.channel !== 'agent') issue('visibility', 'only agents open internal tickets (channel: agent)');
    const final = t.status !== undefined && FINAL.includes(t.status);
    if (t.rating !== undefined && !final) issue('rating', 'only a solved or closed ticket carries a rating: give status solved or closed (R20)');
    if (t.ratingComment !== undefined && t.rating === undefined) issue('ratingComment', 'a rating comment goes with a rating');
    if (t.solvedAt && !final) issue('solvedAt', 'solvedAt needs status solved or closed');
    if (t.closedAt && t.status !== 'closed') issue('closedAt', 'closedAt needs status closed');
    const created = t.createdAt ? Date.parse(t.createdAt) : undefined;
    if (created !== undefined && t.solvedAt && Date.parse(t.solvedAt) < created) issue('solvedAt', 'solvedAt is before createdAt');
    if (created !== undefined && t.closedAt && Date.parse(t.closedAt) < created) issue('closedAt', 'closedAt is before createdAt');
    if (t.solvedAt && t.closedAt && Date.parse(t.closedAt) < Date.parse(t.solvedAt)) issue('closedAt', 'closedAt is before solvedAt');
  });

export const FixtureDraft = z
  .strictObject({
    ...REQUEST,
    conversation: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
    createdAt: Instant.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.channel === 'agent') ctx.addIssue({ code: 'custom', path: ['channel'], message: 'tickets opened by agents never wait for approval (R8)' });
    if (d.channel === 'email' && d.category) ctx.addIssue({ code: 'custom', path: ['category'], message: 'a request by e-mail never carries a category (R9)' });
    if (d.conversation && d.channel !== 'whatsapp') ctx.addIssue({ code: 'custom', path: ['conversation'], message: 'a conversation goes only with the whatsapp channel' });
  });

export const Fixture = z
  .strictObject({
    /** Editors read this to find the JSON Schema; deskctl ignores it. */
    $schema: z.string().optional(),
    settings: FixtureSettings.optional(),
    departments: z.array(FixtureDepartment).default([]),
    organizations: z.array(FixtureOrganization).default([]),
    customers: z.array(FixtureCustomer).default([]),
    agents: z.array(FixtureAgent).default([]),
    rules: z.array(FixtureRule).default([]),
    topics: z.array(FixtureTopic).default([]),
    tickets: z.array(FixtureTicket).default([]),
    drafts: z.array(FixtureDraft).default([]),
  })
  .meta({
    title: 'deskctl tenant fixture',
    description: 'The input of `deskctl seed` and `deskctl tenants create --from`. Every key is optional; natural keys (names, e-mails, ref) make seeding idempotent.',
  });
export type Fixture = z.infer<typeof Fixture>;
export type FixtureTicket = z.infer<typeof FixtureTicket>;
export type FixtureDraft = z.infer<typeof FixtureDraft>;

/** The JSON Schema of the fixture (the input shape), as checked in under schemas/fixture.schema.json. */
export function fixtureJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Fixture, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** One problem of a fixture, at its path (`customers[3].email`). */
export interface FixtureProblem {
  path: (string | number)[];
  message: string;
}

/** A fixture whose list items are each either valid or left out (undefined, at its own index). */
export interface LenientFixture {
  settings: z.infer<typeof FixtureSettings>;
  departments: (z.infer<typeof FixtureDepartment> | undefined)[];
  organizations: (z.infer<typeof FixtureOrganization> | undefined)[];
  customers: (z.infer<typeof FixtureCustomer> | undefined)[];
  agents: (z.infer<typeof FixtureAgent> | undefined)[];
  rules: (z.infer<typeof FixtureRule> | undefined)[];
  topics: (z.infer<typeof FixtureTopic> | undefined)[];
  tickets: (FixtureTicket | undefined)[];
  drafts: (FixtureDraft | undefined)[];
}

export interface InspectedFixture {
  /** The fixture when it is well formed; null otherwise. */
  fixture: Fixture | null;
  /** Every item that is well formed on its own, so references can be checked even when others are not. */
  lenient: LenientFixture;
  problems: FixtureProblem[];
}

const ITEMS = {
  departments: FixtureDepartment,
  organizations: FixtureOrganization,
  customers: FixtureCustomer,
  agents: FixtureAgent,
  rules: FixtureRule,
  topics: FixtureTopic,
  tickets: FixtureTicket,
  drafts: FixtureDraft,
} as const;

const KINDS: Record<string, string> = {
  array: 'a list',
  object: 'a mapping of keys to values',
  record: 'a mapping of keys to values',
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** What a value is, in the words of a fixture's author. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text "${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

/**
 * The fixture's own wording for the problems its schemas leave to the validator ("Invalid input:
 * expected array, received string" becomes "expected a list, got the text "Suporte""). Messages the
 * schemas set themselves take precedence.
 */
function fixtureIssue(iss: z.core.$ZodRawIssue): string | undefined {
  switch (iss.code) {
    case 'invalid_type': {
      const expected = KINDS[String(iss.expected)] ?? String(iss.expected);
      return iss.input === undefined ? `required (${expected})` : `expected ${expected}, got ${kindOf(iss.input)}`;
    }
    case 'unrecognized_keys': {
      const keys = (iss.keys as string[]).map((k) => `"${k}"`).join(', ');
      return `unknown key${iss.keys.length === 1 ? '' : 's'} ${keys}`;
    }
    case 'too_small':
      return iss.origin === 'string' ? 'must not be empty' : iss.origin === 'array' ? `at least ${String(iss.minimum)} item(s)` : `at least ${String(iss.minimum)}`;
    case 'too_big':
      return iss.origin === 'string' ? `at most ${String(iss.maximum)} characters` : `at most ${String(iss.maximum)}`;
    case 'invalid_value':
      return `expected one of ${(iss.values as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

const PARSE = { error: fixtureIssue } as const;

/** The fields an item must have for its references to be checked (its natural key and what it points at). */
const KEYS: Record<keyof typeof ITEMS, string[]> = {
  departments: ['name'],
  organizations: ['name'],
  customers: ['email'],
  agents: ['email'],
  rules: ['department'],
  topics: ['name'],
  tickets: ['ref', 'requester', 'department'],
  drafts: ['ref', 'requester', 'department'],
};

/**
 * What can be read of an item that is not well formed: each field that is valid on its own, so the
 * item's references are checked in the same run as its shape (a customer with a bad phone and an
 * unknown organization gets both problems at once). Undefined when its key fields are not usable.
 */
function salvage(key: keyof typeof ITEMS, raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const shape = (ITEMS[key] as unknown as { shape: Record<string, z.ZodType> }).shape;
  const out: Record<string, unknown> = {};
  for (const [field, schema] of Object.entries(shape)) {
    // A field that is not valid takes its default (an empty list of categories), if it has one.
    const r = schema.safeParse((raw as Record<string, unknown>)[field]);
    const fallback = r.success ? r : schema.safeParse(undefined);
    if (fallback.success && fallback.data !== undefined) out[field] = fallback.data;
  }
  return KEYS[key].every((k) => out[k] !== undefined) ? out : undefined;
}

/** The settings of a fixture whose settings are not all valid: the ones that are. */
function salvageSettings(raw: unknown): Record<string, unknown> | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(FixtureSettings.shape)) {
    const r = (schema as z.ZodType).safeParse((raw as Record<string, unknown>)[key]);
    if (r.success && r.data !== undefined) out[key] = r.data;
  }
  return out;
}

/** Checks a parsed fixture's shape: every problem with its path, and what is usable of it. */
export function inspectFixture(value: unknown): InspectedFixture {
  const input = value ?? {};
  const full = Fixture.safeParse(input, PARSE);
  const problems: FixtureProblem[] = full.success ? [] : full.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)), message: i.message }));
  // Text that is not valid Unicode or holds NUL, anywhere (a key, a field value, a comment): refused by its path.
  const text = inspectJson(input, Number.MAX_SAFE_INTEGER).problem;
  if (text && !problems.some((p) => p.message === text.message && formatPath(p.path) === formatPath(text.path))) problems.push({ path: text.path, message: text.message });
  const raw = (typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const items = <K extends keyof typeof ITEMS>(key: K) => {
    const list = raw[key];
    if (!Array.isArray(list)) return [];
    return list.map((x) => {
      const r = ITEMS[key].safeParse(x);
      return r.success ? r.data : salvage(key, x);
    });
  };
  const settings = FixtureSettings.safeParse(raw.settings ?? {});
  const lenient = {
    settings: settings.success ? settings.data : ((salvageSettings(raw.settings) ?? {}) as z.infer<typeof FixtureSettings>),
    departments: items('departments'),
    organizations: items('organizations'),
    customers: items('customers'),
    agents: items('agents'),
    rules: items('rules'),
    topics: items('topics'),
    tickets: items('tickets'),
    drafts: items('drafts'),
  } as LenientFixture;
  return { fixture: full.success && !text ? full.data : null, lenient, problems };
}

const SECTIONS = ['$schema', 'settings', 'departments', 'organizations', 'customers', 'agents', 'rules', 'topics', 'tickets', 'drafts'];

/** Problems in the order of the file: by section, then by item; one line each, led by its path. */
export function problemLines(problems: FixtureProblem[]): string[] {
  const rank = (p: FixtureProblem): [number, number] => {
    const section = SECTIONS.indexOf(String(p.path[0] ?? ''));
    return [section < 0 ? -1 : section, typeof p.path[1] === 'number' ? p.path[1] : -1];
  };
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.i - b.i)
    .map(({ p }) => {
      const path = formatPath(p.path);
      return path ? `${path}: ${p.message}` : p.message;
    });
}

/** Throws the one error of an invalid fixture (exit 2): every problem, in file order. */
export function invalidFixture(problems: FixtureProblem[]): never {
  const lines = problemLines(problems);
  throw invalid(`invalid fixture: ${lines.join('; ')}`, lines);
}

/** Validates a fixture's shape alone (no database): the well-formed fixture, or the error with every problem. */
export function parseFixture(value: unknown): Fixture {
  const r = inspectFixture(value);
  if (!r.fixture) invalidFixture(r.problems);
  return r.fixture;
}

/**
 * Reads fixture text: YAML 1.2 (which JSON is a subset of, so one parser serves both). A syntax
 * error names its line and column; duplicate keys are errors too. A `.json` file must be JSON:
 * one that is not is refused as such, never read as YAML.
 */
export function readFixtureText(text: string, source: string): unknown {
  if (/\.json$/i.test(source)) {
    try {
      JSON.parse(text);
    } catch (e) {
      throw invalid(`malformed fixture: ${source}: ${jsonProblem(text, (e as Error).message)}`);
    }
  }
  // A parser that runs out of stack on deep nesting says so in its own words; this says it in ours.
  const say = (message: string) => (/call stack/i.test(message) ? 'nested too deeply' : message);
  let doc: YAML.Document.Parsed;
  try {
    doc = YAML.parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw invalid(`malformed fixture: ${source}: ${say((e as Error).message)}`);
  }
  if (doc.errors.length) {
    const lines = doc.errors.map((e) => {
      const at = e.linePos?.[0];
      const what = say((e.message.split('\n')[0] ?? e.message).replace(/ at line \d+, column \d+:?$/, ''));
      return at ? `${source}: line ${at.line}, column ${at.col}: ${what}` : `${source}: ${what}`;
    });
    throw invalid(`malformed fixture: ${[...new Set(lines)].join('; ')}`, lines);
  }
  let value: unknown;
  try {
    // Aliases are expanded with a budget (a "billion laughs" document is refused, not expanded).
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    const message = (e as Error).message;
    throw invalid(`malformed fixture: ${source}: ${/alias/i.test(message) ? 'too many alias expansions (at most 1000)' : say(message)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(`${source}: a fixture is a mapping of settings, departments, organizations, customers, agents, rules, topics, tickets and drafts`);
  }
  return value;
}

/** What JSON.parse said, without the text it quotes, led by where it stopped when it says (`line L, column C: `), as YAML's errors are. */
function jsonProblem(text: string, message: string): string {
  const reason = message.replace(/, (\.\.\.)?".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').replace(/^\w/, (c) => c.toLowerCase());
  const at = /position (\d+)/.exec(message)?.[1];
  if (at === undefined) return `not valid JSON: ${reason}`;
  const before = text.slice(0, Number(at));
  return `line ${before.split('\n').length}, column ${Number(at) - before.lastIndexOf('\n')}: not valid JSON: ${reason}`;
}

/** Field values of a fixture become strings, as ticket fields are stored. */
export const fieldsText = (fields: Record<string, string | number | boolean> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, String(v)]));
