import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createDomainPolicy, isUrlAllowed, urlRefusal, type DomainPolicy } from '../src/domain-policy.js';
import { CORPUS_DOMAINS, URL_CORPUS, expectedAnswer } from './fixtures/url-corpus.js';

function policyFor(domains: readonly unknown[], allowLan: boolean): DomainPolicy {
  const policy = createDomainPolicy(domains, { allowLan });
  if (typeof policy === 'string') assert.fail(policy);
  return policy;
}

const BEFORE_LAN = policyFor(CORPUS_DOMAINS, false);
const WITH_LAN = policyFor(CORPUS_DOMAINS, true);

/**
 * The oracle, written independently of the module: where would a WHATWG client (`ws`, browsers) connect, and is
 * that host listed or, with the 2.4.0 rule, a LAN IPv4? WHATWG always prints IPv4 hosts in dotted decimal.
 */
const LISTED = new Set(CORPUS_DOMAINS.map((entry) => entry.replace(/^wss:\/\//, '').toLowerCase()));
function whatwgTargetIsLegal(url: string, allowLan: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'wss:') return false;
  if (LISTED.has(parsed.hostname)) return true;
  const lan = /^(10\.\d+|172\.(1[6-9]|2\d|3[01])|192\.168)\.\d+\.\d+$/.test(parsed.hostname);
  return allowLan && lan;
}

/** Hosts with `xn--` labels that do not decode to a valid name: the strict grammar cannot tell. */
const INVALID_PUNYCODE = ['xn--a.example.com', 'xn--ab.example.com', 'xn--0.example.com'] as const;

function show(url: string): string {
  return JSON.stringify(url);
}

describe('§5 the URL corpus', () => {
  it('§5 the corpus has at least 60 distinct URLs, allowed and refused ones, and LAN cases', () => {
    assert.ok(URL_CORPUS.length >= 60, `only ${URL_CORPUS.length} entries`);
    assert.equal(new Set(URL_CORPUS.map((entry) => entry.url)).size, URL_CORPUS.length, 'duplicate URLs');
    assert.ok(URL_CORPUS.some((entry) => entry.allowed));
    assert.ok(URL_CORPUS.some((entry) => !entry.allowed));
    assert.ok(URL_CORPUS.some((entry) => entry.allowedWithLan === true && !entry.allowed));
  });

  for (const entry of URL_CORPUS) {
    const before = expectedAnswer(entry, false) ? 'allowed' : 'refused';
    const after = expectedAnswer(entry, true) ? 'allowed' : 'refused';
    const answers = before === after ? before : `${before} before 2.4.0 and ${after} from 2.4.0`;
    it(`§5 ${show(entry.url)} is ${answers} (${entry.why})`, () => {
      assert.equal(
        isUrlAllowed(entry.url, BEFORE_LAN),
        expectedAnswer(entry, false),
        urlRefusal(entry.url, BEFORE_LAN),
      );
      assert.equal(isUrlAllowed(entry.url, WITH_LAN), expectedAnswer(entry, true), urlRefusal(entry.url, WITH_LAN));
    });
  }

  it('§5 zero bypass: every corpus URL the policy allows connects, per WHATWG, to a listed host or a LAN IPv4', () => {
    for (const [policy, allowLan] of [
      [BEFORE_LAN, false],
      [WITH_LAN, true],
    ] as const) {
      for (const { url } of URL_CORPUS) {
        if (isUrlAllowed(url, policy)) assert.ok(whatwgTargetIsLegal(url, allowLan), `bypass: ${show(url)}`);
      }
    }
  });
});

/** Fragments of the corpus's tricks, for generated URLs. */
const TOKENS = [
  'chat.example.com',
  'api.example.com',
  'CHAT.Example.com',
  'chat',
  'api',
  'example',
  'com',
  'evil',
  'evil.com',
  '.',
  '..',
  '@',
  ':',
  '443',
  '0',
  '8443',
  '65536',
  '/',
  '\\',
  '?',
  '#',
  '%',
  '%2e',
  '%40',
  '%63',
  '%2f',
  '[',
  ']',
  '::1',
  '::ffff:',
  '10',
  '10.0.0.1',
  '0.0.1',
  '192.168',
  '172.16',
  '172.32',
  '0x',
  '0xa',
  '010',
  '167772161',
  '\u0430',
  '\u0441',
  '\uff43',
  '\uff0e',
  '\u3002',
  '\u00ad',
  '\u200b',
  '\u212a',
  '\t',
  '\n',
  '\r',
  '\u0000',
  ' ',
  '\u007f',
  'xn--',
  'hat-3ed',
  'localhost',
  '-',
  '*',
  '_',
  'wss://',
  'ws://',
  '//',
] as const;
const SCHEMES = ['wss://', 'WSS://', 'wSs://', 'ws://', 'wss:/', 'wss:\\\\', 'wss:///', ' wss://', '\twss://'] as const;

/**
 * URL-ish strings: a scheme, then tricky tokens around a host that is often listed or LAN, so that a fair share of
 * the generated URLs passes the check and the property has something to hold on.
 */
const HOSTS = ['chat.example.com', 'API.EXAMPLE.COM', '10.0.0.1', '192.168.1.1', '172.20.0.5', 'evil.com'] as const;
const TAILS = ['', '/', ':8443', ':443/', '/x?y=@evil.com', '#@evil.com', '?\\', '/\\evil.com'] as const;
const tokenUrls = fc
  .tuple(
    fc.constantFrom(...SCHEMES),
    fc.oneof(fc.constant([]), fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 4 })),
    fc.constantFrom(...HOSTS),
    fc.constantFrom(...TAILS),
    fc.array(fc.constantFrom(...TOKENS), { maxLength: 4 }),
  )
  .map(([scheme, before, host, tail, after]) => scheme + before.join('') + host + tail + after.join(''));

/** Corpus URLs with one to three tricky tokens spliced in at random positions. */
const mutatedCorpusUrls = fc
  .tuple(
    fc.constantFrom(...URL_CORPUS.map((entry) => entry.url)),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom(...TOKENS)), { minLength: 1, maxLength: 3 }),
  )
  .map(([url, edits]) =>
    edits.reduce((text, [at, token]) => {
      const index = at % (text.length + 1);
      return text.slice(0, index) + token + text.slice(index);
    }, url),
  );

describe('§5 zero bypass over generated URLs', () => {
  for (const [name, arbitrary] of [
    ['token runs', tokenUrls],
    ['mutated corpus URLs', mutatedCorpusUrls],
  ] as const) {
    for (const allowLan of [false, true]) {
      const lan = allowLan ? 'from 2.4.0' : 'before 2.4.0';
      it(`§5 ${lan}, no generated URL (${name}) is allowed unless WHATWG connects to a listed host or LAN IPv4`, () => {
        const policy = allowLan ? WITH_LAN : BEFORE_LAN;
        let allowedCount = 0;
        fc.assert(
          fc.property(arbitrary, (url) => {
            if (!isUrlAllowed(url, policy)) return true;
            allowedCount += 1;
            return whatwgTargetIsLegal(url, allowLan);
          }),
          { numRuns: 3000 },
        );
        // The property is only worth something if some generated URLs pass the check.
        assert.ok(allowedCount >= 10, `only ${allowedCount} generated URLs were allowed`);
      });
    }
  }

  it('§5 every well-formed wss URL of a listed host is allowed, whatever its case, port, path and query', () => {
    const caseMixed = fc
      .tuple(
        fc.constantFrom('chat.example.com', 'api.example.com'),
        fc.array(fc.boolean(), { minLength: 16, maxLength: 16 }),
      )
      .map(([host, upper]) => [...host].map((c, i) => (upper[i] === true ? c.toUpperCase() : c)).join(''));
    const port = fc.option(
      fc.integer({ min: 1, max: 65535 }).map((n) => `:${n}`),
      { nil: '' },
    );
    const tail = fc.option(fc.stringMatching(/^[/?#][A-Za-z0-9/?#=&@\\%.-]{0,20}$/), { nil: '' });
    fc.assert(
      fc.property(fc.constantFrom('wss://', 'WSS://', 'Wss://'), caseMixed, port, tail, (scheme, host, p, rest) => {
        const url = scheme + host + p + rest;
        assert.equal(isUrlAllowed(url, BEFORE_LAN), true, `${show(url)}: ${urlRefusal(url, BEFORE_LAN)}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('§5 isUrlAllowed', () => {
  // Invalid punycode passes the strict grammar. Whether WHATWG can parse it depends on the runtime: Node 20's parser
  // refuses these hosts, Node 24's keeps `xn--` labels as written. Either way the host checked is the host reached.
  for (const host of INVALID_PUNYCODE) {
    it(`§5 the WHATWG guard refuses ${show(host)} exactly when the runtime's URL parser cannot parse it`, () => {
      // A hand-built policy, since createDomainPolicy lists such a host only where the runtime parses it.
      const policy: DomainPolicy = { domains: new Set([host]), allowLan: false };
      const url = `wss://${host}/`;
      const parses = URL.canParse(url);
      assert.equal(isUrlAllowed(url, policy), parses);
      if (parses) assert.equal(new URL(url).hostname, host);
      else assert.match(urlRefusal(url, policy) ?? '', /WHATWG/);
    });
  }

  it('§5 a listed punycode host is allowed only when the URL spells it in punycode', () => {
    const policy = policyFor(['xn--hat-3ed.example.com'], false);
    assert.equal(isUrlAllowed('wss://xn--hat-3ed.example.com/', policy), true);
    assert.equal(isUrlAllowed('wss://XN--HAT-3ED.EXAMPLE.COM/', policy), true);
    assert.equal(isUrlAllowed('wss://\u0441hat.example.com/', policy), false);
  });

  it('§5 an empty domain list refuses every host, but still lets LAN addresses through from 2.4.0', () => {
    assert.equal(isUrlAllowed('wss://chat.example.com', policyFor([], false)), false);
    assert.equal(isUrlAllowed('wss://192.168.0.2', policyFor([], false)), false);
    assert.equal(isUrlAllowed('wss://192.168.0.2', policyFor([], true)), true);
  });

  it('§5 a non-string URL is refused without throwing', () => {
    assert.equal(isUrlAllowed(42 as unknown as string, BEFORE_LAN), false);
  });

  it('§5 refusal reasons name the rule that refused the URL', () => {
    assert.equal(urlRefusal('wss://chat.example.com', BEFORE_LAN), undefined);
    assert.match(urlRefusal('ws://chat.example.com', BEFORE_LAN) ?? '', /scheme/);
    assert.match(urlRefusal('wss://a@chat.example.com', BEFORE_LAN) ?? '', /contains "@"/);
    assert.match(urlRefusal('wss://10.1', WITH_LAN) ?? '', /non-canonical/);
    assert.match(urlRefusal('wss://10.0.0.1', BEFORE_LAN) ?? '', /IP address/);
    assert.match(urlRefusal('wss://localhost', BEFORE_LAN) ?? '', /localhost/);
    assert.match(urlRefusal('wss://example.com', BEFORE_LAN) ?? '', /not in the domain list/);
  });
});

describe('§5 createDomainPolicy', () => {
  it('§5 accepts host, host:port, wss://host, wss://host:port and a trailing slash, storing lower-case hosts', () => {
    const policy = policyFor(
      [
        'chat.example.com',
        'wss://api.example.com',
        'WSS://Upper.Example.COM/',
        'port.example.com:8443',
        'wss://p2.example.com:9000/',
      ],
      true,
    );
    assert.deepEqual([...policy.domains].sort(), [
      'api.example.com',
      'chat.example.com',
      'p2.example.com',
      'port.example.com',
      'upper.example.com',
    ]);
    assert.equal(policy.allowLan, true);
    assert.ok(Object.isFrozen(policy));
  });

  it('§5 the port of an entry is ignored: any port is allowed for wss', () => {
    const policy = policyFor(['wss://chat.example.com:8443'], false);
    assert.equal(isUrlAllowed('wss://chat.example.com', policy), true);
    assert.equal(isUrlAllowed('wss://chat.example.com:9000', policy), true);
  });

  it('§5 duplicate entries, in any spelling, collapse to one host', () => {
    const policy = policyFor(['a.example.com', 'wss://A.example.com', 'a.example.com:1/'], false);
    assert.deepEqual([...policy.domains], ['a.example.com']);
  });

  it('§5 allowLan counts only when it is true', () => {
    assert.equal(policyFor([], 'yes' as unknown as boolean).allowLan, false);
  });

  for (const [entry, given] of [
    [42, '42'],
    [null, 'Null'],
    [undefined, 'Undefined'],
    [{}, 'Object'],
  ] as const) {
    it(`§5 refuses the non-string entry ${String(entry)} with a message naming what it is`, () => {
      assert.equal(createDomainPolicy([entry], { allowLan: true }), `domains[0] must be a string, not ${given}`);
    });
  }

  const WSS_ONLY = 'must be a wss:// domain';
  const HOST_ONLY = 'has a path, query or fragment';
  const IP = 'is an IP address (LAN ones pass unlisted from 2.4.0)';
  const LOCALHOST = 'is localhost';
  const INVALID = 'is not a valid domain';
  const PORT = 'has an invalid port (want 1-65535, no leading zero)';
  /** Each invalid entry and the end of its message (after `domains[0] "<entry>" `). */
  const invalid: readonly (readonly [entry: string, detail: string])[] = [
    ['', 'has no host'],
    ['wss://', 'has no host'],
    ['wss://a b', 'contains " "'],
    ['chat.example.com\n', 'contains "\\n"'],
    ['ws://chat.example.com', WSS_ONLY],
    ['https://chat.example.com', WSS_ONLY],
    ['wss://chat.example.com/socket', HOST_ONLY],
    ['chat.example.com?x=1', HOST_ONLY],
    ['chat.example.com//', HOST_ONLY],
    ['*.example.com', 'contains "*"'],
    ['10.0.0.1', IP],
    ['wss://8.8.8.8:443', IP],
    ['167772161', 'is a non-canonical IPv4 address (octal, hex, decimal or short)'],
    ['[::1]', 'is an IPv6 address'],
    ['localhost', LOCALHOST],
    ['wss://LOCALHOST', LOCALHOST],
    ['dev.localhost', LOCALHOST],
    ['chat.example.com.', 'ends with a dot'],
    ['user@chat.example.com', 'contains "@"'],
    ['chat\\example.com', 'contains "\\\\"'],
    ['chat%2eexample.com', 'contains "%"'],
    ['\u0441hat.example.com', 'is not ASCII; list its punycode (xn--) form'],
    ['chat_x.example.com', INVALID],
    ['-chat.example.com', INVALID],
    ['chat..example.com', INVALID],
    [`${'a'.repeat(64)}.example.com`, INVALID],
    ['chat.example.com:0', PORT],
    ['chat.example.com:65536', PORT],
  ];
  for (const [entry, detail] of invalid) {
    it(`§5 refuses the entry ${show(entry)} with a message naming it`, () => {
      assert.equal(createDomainPolicy([entry], { allowLan: true }), `domains[0] ${show(entry)} ${detail}`);
    });
  }

  for (const host of INVALID_PUNYCODE) {
    it(`§5 refuses the entry ${show(host)} exactly when the runtime's URL parser cannot parse it`, () => {
      const policy = createDomainPolicy([host], { allowLan: true });
      if (URL.canParse(`wss://${host}/`)) assert.deepEqual(policy, { domains: new Set([host]), allowLan: true });
      else assert.equal(policy, `domains[0] ${show(host)} ${INVALID}`);
    });
  }

  it('§5 an error names the index of the first invalid entry', () => {
    assert.equal(
      createDomainPolicy(['a.example.com', 'b.example.com', 'wss://a b', 'ws://c'], { allowLan: false }),
      'domains[2] "wss://a b" contains " "',
    );
  });
});
