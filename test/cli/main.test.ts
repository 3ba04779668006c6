// The command line itself: help, version, and bad arguments (exit code 2, a message that says what was wrong and
// where to look). Every case spawns the built CLI.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ROOT, buildCli, runCli } from './cli-helpers.js';

before(buildCli);

const COMMANDS = ['demo', 'connect', 'doctor', 'serve'] as const;

describe('wxsocket --help and --version', () => {
  test('--version prints the version of package.json and exits 0', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-v']) {
      const result = await runCli([flag]);
      assert.equal(result.code, 0);
      assert.equal(result.stdout, `${version}\n`);
    }
  });

  test('--help lists every command and exits 0', async () => {
    const result = await runCli(['--help']);
    assert.equal(result.code, 0);
    for (const command of COMMANDS) assert.match(result.stdout, new RegExp(`^  ${command}\\b`, 'm'));
    assert.match(result.stdout, /Exit codes: 0 ok, 1 a check or connection failed, 2 bad arguments/);
  });

  test('no command at all is a usage error (exit 2) that shows the help on stderr', async () => {
    const result = await runCli([]);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /which command\?/);
    assert.match(result.stderr, /Commands:/);
  });

  for (const command of COMMANDS) {
    test(`${command} --help, -h and "help ${command}" print the command's usage and exit 0`, async () => {
      for (const args of [
        [command, '--help'],
        [command, '-h'],
        ['help', command],
      ]) {
        const result = await runCli(args);
        assert.equal(result.code, 0, args.join(' '));
        assert.match(result.stdout, new RegExp(`^Usage: wxsocket ${command}`));
      }
    });
  }
});

describe('bad arguments exit with code 2 and say what was wrong and what to do', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wxsocket-cli-args-'));
    writeFileSync(join(dir, 'not-a-certificate.pem'), 'hello\n');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, () => string[], RegExp]> = [
    [
      'an unknown command',
      () => ['frobnicate'],
      /^wxsocket: unknown command "frobnicate"; the commands are demo, connect, doctor, serve\nRun 'wxsocket --help'/,
    ],
    ['an unknown top-level option', () => ['--frobnicate'], /unknown option --frobnicate/],
    ['help for an unknown command', () => ['help', 'frobnicate'], /no help for "frobnicate"/],
    [
      'an unknown option of a command',
      () => ['demo', '--colour'],
      /^wxsocket demo: unknown option --colour\nRun 'wxsocket demo --help' for usage/,
    ],
    [
      'an option missing its value',
      () => ['connect', 'wss://a.example', '--timeout'],
      /option --timeout needs a value/,
    ],
    ['a value given to a flag', () => ['demo', '--json=yes'], /option --json takes no value/],
    ['connect without a URL', () => ['connect'], /missing the URL to connect to/],
    [
      'connect with two URLs',
      () => ['connect', 'wss://a.example', 'wss://b.example'],
      /unexpected argument "wss:\/\/b.example"/,
    ],
    [
      'a timeout that is not a number',
      () => ['connect', 'wss://a.example', '--timeout', 'soon'],
      /--timeout wants a whole number of milliseconds/,
    ],
    [
      // A timer fires a longer one at once: `doctor` would report every probe as timed out.
      'a timeout longer than a timer can wait',
      () => ['doctor', 'wss://a.example', '--timeout', '2147483648'],
      /--timeout wants a whole number of milliseconds from 1 to 2147483647, got "2147483648"/,
    ],
    [
      'an unknown platform',
      () => ['connect', 'wss://a.example', '--platform', 'windows'],
      /--platform is android or ios, got "windows"/,
    ],
    [
      'a base library version that is not one',
      () => ['connect', 'wss://a.example', '--sdk', 'latest'],
      /--sdk: SDKVersion must be a version such as/,
    ],
    [
      'a domain entry createWx refuses',
      () => ['connect', 'wss://a.example', '--domain', '*.example.com'],
      /--domain: domains\[0\] "\*\.example\.com" contains "\*"/,
    ],
    [
      'a domain entry doctor cannot check',
      () => ['doctor', 'wss://a.example', '--domain', 'https://a.example'],
      /--domain: domains\[0\] "https:\/\/a\.example" must be a wss:\/\/ domain/,
    ],
    [
      'a header without a colon',
      () => ['connect', 'wss://a.example', '--header', 'Authorization'],
      /--header wants name:value/,
    ],
    [
      'a --resolve with a port, as curl writes it',
      () => ['connect', 'wss://a.example', '--resolve', 'a.example:443:127.0.0.1'],
      /--resolve wants host:address with an IP address and no port/,
    ],
    [
      'a missing CA file',
      () => ['connect', 'wss://a.example', '--ca', join(dir, 'missing.pem')],
      /--ca .*missing\.pem: cannot read the file \(ENOENT\)/,
    ],
    [
      'a CA file that is not a certificate',
      () => ['doctor', 'wss://a.example', '--ca', join(dir, 'not-a-certificate.pem')],
      /not a PEM certificate/,
    ],
    [
      '--wait that is not a count',
      () => ['connect', 'wss://a.example', '--wait', '-1'],
      /option --wait needs a value|--wait wants a whole number/,
    ],
    ['doctor without a URL', () => ['doctor'], /missing the URL to check/],
    [
      'doctor with something that is not a URL',
      () => ['doctor', 'chat.example.com'],
      /"chat.example.com" is not a URL: give a wss:\/\/ URL/,
    ],
    [
      'doctor with an https URL',
      () => ['doctor', 'https://chat.example.com/ws'],
      /https:\/\/ is not a WebSocket scheme.*likely wss:\/\/chat\.example\.com\/ws/,
    ],
    [
      'serve with a port out of range',
      () => ['serve', '--port', '70000'],
      /--port wants a whole number from 0 to 65535/,
    ],
    ['serve with an unknown mode', () => ['serve', '--mode', 'chat'], /--mode is broadcast or echo/],
    ['serve with certificate options but no --tls', () => ['serve', '--hostname', 'a.example'], /add --tls/],
    [
      'serve with a --max-payload over the ceiling',
      () => ['serve', '--max-payload', '100000000'],
      /--max-payload wants a whole number from 1 to 33554432/,
    ],
    [
      'serve with an --allow-origin that is a URL with a path',
      () => ['serve', '--allow-origin', 'https://app.example/page'],
      /--allow-origin wants an origin: scheme, host and port only, e\.g\. https:\/\/app\.example;/,
    ],
    ['demo with a positional argument', () => ['demo', 'now'], /unexpected argument "now"/],
  ];
  for (const [what, args, message] of cases) {
    test(`${what}`, async () => {
      const result = await runCli(args());
      assert.equal(result.code, 2, result.stderr);
      assert.equal(result.stdout, '');
      assert.match(result.stderr, message);
      assert.match(result.stderr, /Run 'wxsocket( \w+)? --help' for usage\.\n$/);
    });
  }

  test('a URL that wx.connectSocket refuses (§1 step 3) shows its fail and exits 2', async () => {
    const result = await runCli(['connect', 'http://chat.example.com/']);
    assert.equal(result.code, 2);
    assert.match(
      result.stdout,
      /wx\.connectSocket\.fail +\{errMsg: "connectSocket:fail invalid url \\"http:\/\/chat\.example\.com\/\\""\}/,
    );
    assert.match(result.stderr, /wx\.connectSocket refused the arguments/);
  });
});
