// A mini-program chat module, written the way mini-program code is: CommonJS, and the global `wx`.
// Messages sent before the socket is open are queued and flushed on open, as in WeChat's own sample for
// wx.sendSocketMessage ("socketMsgQueue"). Nothing here knows about tests or about wxsocket.

/**
 * Connects to a chat server.
 * @param {string} url the wss:// URL of the chat server
 * @param {{onMessage?: (message: unknown) => void, onStatus?: (status: 'open' | 'failed' | 'closed', detail?: unknown)
 * => void}} [hooks]
 */
function createChat(url, hooks = {}) {
  const onMessage = hooks.onMessage || function () {};
  const onStatus = hooks.onStatus || function () {};
  let socketOpen = false;
  let socketMsgQueue = [];

  wx.connectSocket({ url, header: { 'X-Chat-Version': '1' } });

  wx.onSocketOpen(function () {
    socketOpen = true;
    for (let i = 0; i < socketMsgQueue.length; i++) {
      sendSocketMessage(socketMsgQueue[i]);
    }
    socketMsgQueue = [];
    onStatus('open');
  });

  wx.onSocketMessage(function (res) {
    onMessage(JSON.parse(res.data));
  });

  wx.onSocketError(function (res) {
    onStatus('failed', res.errMsg);
  });

  wx.onSocketClose(function (res) {
    socketOpen = false;
    onStatus('closed', { code: res.code, reason: res.reason });
  });

  function sendSocketMessage(msg) {
    if (socketOpen) {
      wx.sendSocketMessage({ data: msg });
    } else {
      socketMsgQueue.push(msg);
    }
  }

  return {
    /** Says something in the chat; queued until the socket is open. */
    say(text) {
      sendSocketMessage(JSON.stringify({ type: 'say', text }));
    },
    /** Leaves the chat. */
    leave() {
      wx.closeSocket({ code: 1000, reason: 'bye' });
    },
  };
}

module.exports = { createChat };
