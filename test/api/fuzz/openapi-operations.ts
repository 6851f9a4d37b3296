// The operations of the hub's OpenAPI document, as the fuzz needs them.
import type { JsonSchema } from '../../../api/openapi/json-schema.js';
import type { Operation } from './fuzz-requests.js';

interface DocumentedOperation {
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly { readonly in: string; readonly name: string }[];
  readonly requestBody?: { readonly content: Record<string, { readonly schema: JsonSchema }> };
}

interface Document {
  /** What an operation without its own `security` requires. */
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly paths: Record<string, Record<string, DocumentedOperation>>;
}

export function openApiOperations(document: Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]): Operation => {
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content['application/json']?.schema;
      return {
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        secured: (operation.security ?? document.security ?? []).length > 0,
        ...(bodySchema === undefined ? {} : { bodySchema }),
      };
    }),
  );
}
