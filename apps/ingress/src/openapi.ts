import { z } from 'zod';
import { MAX_KEY_LENGTH, REPLAYED_HEADER } from './idempotency.js';
import { problemSchema } from './response-schemas.js';

/** A schema with the component name it is published under. */
export interface NamedSchema {
  name: string;
  schema: z.ZodType;
}

/** One documented response; `problem` responses carry the problem-details body. */
export type ApiResponse =
  | { description: string; body?: NamedSchema; headers?: Record<string, string> }
  | { description: string; problem: true; headers?: Record<string, string> };

/** Who may call an operation. */
export type ApiAuth = 'tenant' | 'admin' | 'none';

/** One route, documented from the zod schemas that validate it. */
export interface ApiOperation {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** Hono path, e.g. `/v1/messages/:id`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  auth: ApiAuth;
  /** True when the operation honours Idempotency-Key. */
  idempotent?: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** A JSON body; `form` documents an application/x-www-form-urlencoded one instead. */
  body?: NamedSchema & { form?: boolean };
  responses: Record<number, ApiResponse>;
}

type JsonSchema = Record<string, unknown>;

/** Document-level facts that are not about one route. */
export interface ApiInfo {
  title: string;
  version: string;
  description: string;
  serverUrl?: string;
}

const COMPONENT = '#/components/schemas/';

/** `/v1/messages/:id` → `/v1/messages/{id}`. */
export const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

// `uri` makes every registered schema a component and every use of one a $ref to it.
function components(named: NamedSchema[], io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const { name, schema } of named) if (!registry.has(schema)) registry.add(schema, { id: name });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
    uri: (id) => `${COMPONENT}${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => {
      const published: JsonSchema = { ...schema };
      delete published.$id;
      delete published.$schema;
      return [name, published];
    }),
  );
}

function parametersOf(schema: z.ZodObject | undefined, where: 'query' | 'path'): JsonSchema[] {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

const SECURITY: Record<ApiAuth, JsonSchema[]> = {
  tenant: [{ apiKey: [] }, { apiKeyHeader: [] }, { jwt: [] }],
  admin: [{ adminToken: [] }],
  none: [],
};

function responseOf(response: ApiResponse): JsonSchema {
  const headers = Object.fromEntries(
    Object.entries(response.headers ?? {}).map(([name, description]) => [
      name,
      { description, schema: { type: 'string' } },
    ]),
  );
  const content =
    'problem' in response
      ? { 'application/problem+json': { schema: { $ref: `${COMPONENT}Problem` } } }
      : response.body
        ? { 'application/json': { schema: { $ref: `${COMPONENT}${response.body.name}` } } }
        : undefined;
  return {
    description: response.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(content ? { content } : {}),
  };
}

function operationOf(operation: ApiOperation): JsonSchema {
  const parameters = [
    ...parametersOf(operation.params, 'path'),
    ...parametersOf(operation.query, 'query'),
    ...(operation.idempotent ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const body = operation.body;
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    tags: [operation.tag],
    security: SECURITY[operation.auth],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(body
      ? {
          requestBody: {
            required: true,
            content: {
              [body.form ? 'application/x-www-form-urlencoded' : 'application/json']: {
                schema: { $ref: `${COMPONENT}${body.name}` },
              },
            },
          },
        }
      : {}),
    responses: Object.fromEntries(
      Object.entries(operation.responses).map(([status, response]) => [status, responseOf(response)]),
    ),
  };
}

function pathsOf(operations: readonly ApiOperation[]): Record<string, Record<string, JsonSchema>> {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const operation of operations) {
    const item = (paths[openApiPath(operation.path)] ??= {});
    item[operation.method] = operationOf(operation);
  }
  return paths;
}

const SECURITY_SCHEMES = {
  apiKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'A tenant API key (`hk_…`) as `Authorization: Bearer <key>`.',
  },
  apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'A tenant API key.' },
  jwt: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT (HS256 or RS256) whose subject is the tenant id; issuer and audience are checked.',
  },
  adminToken: {
    type: 'http',
    scheme: 'bearer',
    description: 'The instance admin token (HERALD_ADMIN_TOKEN).',
  },
};

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    `A unique key (1 to ${MAX_KEY_LENGTH} visible ASCII characters) per logical request. A repeat with the same ` +
    `key, path and body answers the original response again with \`${REPLAYED_HEADER}: true\` and creates ` +
    'nothing; another body with the same key is 422 `idempotency_key_reused`; a repeat while the first is still ' +
    'running is 409 `idempotency_in_progress`. Only successful answers are kept; keys are per tenant and expire.',
  schema: { type: 'string', minLength: 1, maxLength: MAX_KEY_LENGTH },
};

/** The OpenAPI 3.1 document of `operations`, with request and response schemas as components. */
export function buildOpenApiDocument(info: ApiInfo, operations: readonly ApiOperation[]): JsonSchema {
  const bodies = operations.flatMap((operation) => (operation.body ? [operation.body] : []));
  const answers = operations.flatMap((operation) =>
    Object.values(operation.responses).flatMap((response) =>
      'body' in response && response.body ? [response.body] : [],
    ),
  );
  return {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    tags: [...new Set(operations.map((operation) => operation.tag))].map((name) => ({ name })),
    paths: pathsOf(operations),
    components: {
      schemas: {
        ...components(bodies, 'input'),
        ...components([...answers, { name: 'Problem', schema: problemSchema }], 'output'),
      },
      parameters: { IdempotencyKey: IDEMPOTENCY_KEY },
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
