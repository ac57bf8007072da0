// Generates src/types.generated.ts from schemas/*.avsc so the TypeScript types can never drift from
// the wire contract. Run: pnpm --filter @herald/contracts generate (a test fails when it is stale).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderTypes } from '../src/codegen.js';
import { loadSchemas } from '../src/schemas.js';

const target = join(import.meta.dirname, '..', 'src', 'types.generated.ts');
writeFileSync(target, renderTypes(loadSchemas()));
console.log(`wrote ${target}`);
