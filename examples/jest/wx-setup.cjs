// jest setup file (setupFilesAfterEnv): runs before each test file, in its sandbox. A global `wx` is there before
// the code under test is required, so code that reads `wx` when it loads finds it. Tests that need other options
// install their own `wx` on top and uninstall it afterwards, which puts this one back.
const { installWx } = require('wxsocket');

const { uninstall } = installWx();
afterAll(uninstall);
