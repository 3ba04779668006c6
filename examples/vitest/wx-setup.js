// vitest setup file: runs before each test file, in its context. A global `wx` is there before the code under test
// is imported, so code that reads `wx` when it loads (SDKs doing `const { connectSocket } = wx`) finds it. Tests
// that need other options install their own `wx` on top and uninstall it afterwards, which puts this one back.
import { afterAll } from 'vitest';
import { installWx } from 'wxsocket';

const { uninstall } = installWx();
afterAll(uninstall);
