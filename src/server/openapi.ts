import { z } from 'zod';
import { API, Bodies, type Operation } from '../core/api.js';
import { VERSION } from '../version.js';

const BODY_OF: Partial<Record<keyof typeof API, keyof typeof Bodies>> = {
  setSetting: 'setSetting',
  addRule: 'rule',
  removeRules: 'ids',
  removeRuleMatching: 'rule',
  addDepartment: 'name',
  addCategory: 'category',
  addOrganization: 'organization',
  setOrganizationParent: 'parent',
  addCustomer: 'customer',
  setCustomer: 'customerPatch',
  addAgent: 'agent',
  setAgent: 'agentPatch',
  solveTickets: 'solve',
  assignTickets: 'assign',
  closeTickets: 'ids',
  reopenTickets: 'reopen',
  replyTicket: 'message',
  linkProcess: 'process',
  rateTicket: 'rating',
  decideDrafts: 'decision',
  createToken: 'token',
  seed: 'seed',
  generate: 'generate',
};

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: 'output', unrepresentable: 'any' });
const ERROR = {
  description: 'An error: {"error":{"code","message"}}',
  content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } } } } } },
};

/** The OpenAPI 3.1 document of the API, made from the same operation table the server runs. */
export function openApiDocument(): object {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, op] of Object.entries(API) as [keyof typeof API, Operation][]) {
    const path = (op.global ? op.path : `/v1/tenants/:tenant${op.path}`).replace(/:(\w+)/g, '{$1}');
    const params = [...path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    if (op.paginated) {
      params.push({ name: 'limit', in: 'query', required: false, schema: { type: 'string' } }, { name: 'after', in: 'query', required: false, schema: { type: 'string' } });
    }
    const headers = op.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } }] : [];
    const body = BODY_OF[name];
    (paths[path] ??= {})[op.method.toLowerCase()] = {
      operationId: name,
      summary: op.summary,
      description: `Roles: ${op.roles.join(', ')}.`,
      parameters: [...params, ...headers],
      ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: schema(Bodies[body]) } } } } : {}),
      responses: {
        [String(op.status ?? 200)]: {
          description: op.stream ? 'OK: one JSON object per line' : 'OK',
          content: { [op.stream ? 'application/x-ndjson' : 'application/json']: { schema: schema(op.response) } },
        },
        '400': ERROR,
        '401': ERROR,
        '403': ERROR,
        '404': ERROR,
        '429': ERROR,
      },
      security: [{ bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'deskctl helpdesk API', version: VERSION },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    paths,
  };
}
