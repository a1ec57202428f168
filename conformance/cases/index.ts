import idToken from './id-token.js';
import keysAndDiscovery from './keys-and-discovery.js';
import responses from './responses.js';
import signature from './signature.js';
import type { ConformanceCase } from '../types.js';

/** The catalog: a new case is an entry in one of these files. */
export const cases: readonly ConformanceCase[] = [...responses, ...idToken, ...signature, ...keysAndDiscovery];
