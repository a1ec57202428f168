// Type-checked with strict tsc in the fresh project: the public types as users see them.
import { fixturePath, type MockIdp, startMockIdp } from 'mock-idp';
import * as client from 'mock-idp/client';
import * as conformance from 'mock-idp/conformance';
import { UserAgent } from 'mock-idp/helpers';
import { createProviderHandlers } from 'mock-idp/msw';
import { describeConformance } from 'mock-idp/vitest';

export async function issuersByProfile(): Promise<string> {
  const idp: MockIdp<'generic'> = await startMockIdp({ profiles: ['generic'], port: 0 });
  const generic: string = idp.issuers.generic;
  // @ts-expect-error a name that was not started may be absent
  const other: string = idp.issuers.okta;
  const all = await startMockIdp({ port: 0 });
  const stitch: string = all.issuers.stitch;
  await Promise.all([idp.close(), all.close()]);
  return [generic, other, stitch, fixturePath('keys', 'stitch.json')].join();
}

export const used = [UserAgent, describeConformance, createProviderHandlers, client, conformance];
