// The default error reporter prints what WeChat's console would: `thirdScriptError`, what was thrown or rejected,
// and where. A rejected API call rejects with a WeChat result object, whose `errMsg` is what the developer must see.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createWx } from '../../src/node.js';

/** Runs `work` with console.error captured; resolves with the first line it printed. */
async function firstConsoleError(work: () => void): Promise<string> {
  const original = console.error;
  try {
    return await new Promise<string>((resolve) => {
      console.error = (first: unknown) => resolve(String(first));
      work();
    });
  } finally {
    console.error = original;
  }
}

for (const platform of ['ios', 'android'] as const) {
  test(`${platform}: an unhandled rejection of wx.closeSocket prints its errMsg, not [object Object]`, async () => {
    const printed = await firstConsoleError(() => {
      // No socket, no callbacks: the returned Promise rejects with {errMsg}, and nobody handles it.
      void createWx({ platform }).closeSocket();
    });
    assert.match(printed, /^thirdScriptError\ncloseSocket:fail .+\n\(in unhandled rejection of closeSocket\)$/);
    assert.doesNotMatch(printed, /\[object Object\]/);
  });
}
