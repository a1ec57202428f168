// A CommonJS TypeScript file using mock-idp: fine under module nodenext (TypeScript
// 5.8+ knows Node's require of ES modules); module node16 reports TS1479 instead.
import helpers = require('mock-idp/helpers');

import { startMockIdp } from 'mock-idp';

export const agent = new helpers.UserAgent();
export const start = startMockIdp;
