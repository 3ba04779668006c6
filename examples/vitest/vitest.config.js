import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // wxsocket/testing starts real servers: the tests run in Node (vitest's default environment).
    environment: 'node',
    // Installs a global `wx` before each test file loads (see wx-setup.js).
    setupFiles: ['./wx-setup.js'],
    // Generating the test certificates takes a moment on a busy machine.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
