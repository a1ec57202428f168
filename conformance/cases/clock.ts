import { defineCases } from '../types.js';
import { noUserinfoAfterToken } from './evidence.js';

/** The IdP's clock is off: every time it issues moves together, as with a real drifting server. */
export default defineCases(
  {
    id: 'idp-clock-ahead-inside-skew',
    aliases: [],
    title: 'Accepts tokens from an IdP 30 s fast',
    area: 'clock',
    refs: ['OIDC Core 3.1.3.7 (10)'],
    level: 'MAY',
    skewSeconds: 30,
    scenario: 'idp-clock-ahead-30s',
    expect: 'accept',
  },
  {
    id: 'idp-clock-ahead-outside-skew',
    aliases: [],
    title: 'Rejects tokens from an IdP 5 minutes fast (issued in the future)',
    area: 'clock',
    refs: ['OIDC Core 3.1.3.7 (10)'],
    level: 'MAY',
    skewSeconds: 300,
    scenario: 'idp-clock-ahead-5m',
    expect: 'reject',
    evidence: noUserinfoAfterToken,
  },
  {
    id: 'idp-clock-behind',
    aliases: [],
    title: 'Accepts tokens from an IdP 5 minutes slow (still unexpired)',
    area: 'clock',
    refs: ['OIDC Core 3.1.3.7 (9)', 'OIDC Core 3.1.3.7 (10)'],
    level: 'SHOULD',
    scenario: 'idp-clock-behind-5m',
    except: { gitlab: "GitLab's ID tokens live 120 s: from a clock 5 minutes slow they arrive expired" },
    expect: 'accept',
  },
);
