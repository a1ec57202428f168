import * as z from 'zod';
import { ConfigSchema } from './schema.js';

/**
 * The JSON Schema of the config file, generated from the validator itself so
 * editors complete exactly what start-up accepts. It describes the input side
 * (what a person writes), before defaults and transforms apply.
 */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'mock-idp configuration',
  };
}
