// The example page: one wx object from wxsocket's browser build, its SocketTask driven by the buttons, and every
// event, global listener and callback written to the log table. `?auto` runs a scripted session: connect, send
// text and binary, receive both echoes, close.
import { createWx } from '/wxsocket.js';

const $ = (id) => document.getElementById(id);
const log = $('log');
const stateNames = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'];
/** Every logged entry, for anyone watching from the console (and for the example's test). */
const session = (window.wxsocketSession = { events: [] });

let wx;
let task;
let started = performance.now();

/** Shows what a payload holds, ArrayBuffers as their bytes. */
function show(value) {
  return JSON.stringify(value, (key, item) => {
    if (item instanceof ArrayBuffer) return `ArrayBuffer(${item.byteLength}) [${[...new Uint8Array(item)].join(', ')}]`;
    return item;
  });
}

function record(from, event, payload) {
  const text = payload === undefined ? '' : show(payload);
  session.events.push({ from, event, payload, text });
  const row = log.insertRow();
  row.className = event;
  for (const [content, cls] of [
    [String(Math.round(performance.now() - started)), ''],
    [from, ''],
    [event, 'event'],
    [text, 'payload'],
  ]) {
    const cell = row.insertCell();
    cell.textContent = content;
    if (cls) cell.className = cls;
  }
  updateState();
}

function updateState() {
  const state = task ? stateNames[task.readyState] : 'no socket';
  $('state').textContent = state;
  $('state').dataset.state = state;
}

const callbacks = (api) => ({
  success: (result) => record(`${api} callback`, 'success', result),
  fail: (result) => record(`${api} callback`, 'fail', result),
});

function connect() {
  const SDKVersion = $('sdk').value.trim();
  wx = createWx({ platform: $('platform').value, ...(SDKVersion && { SDKVersion }) });
  // The global listeners hold one function each, and fire for the current socket only.
  wx.onSocketOpen((result) => record('wx.onSocketOpen', 'open', result));
  wx.onSocketClose((result) => record('wx.onSocketClose', 'close', result));
  started = performance.now();
  task = wx.connectSocket({ url: $('url').value, ...callbacks('connectSocket') });
  if (!task) return record('connectSocket', 'no task', 'this base library returns none (below 1.7.0)');
  task.onOpen((result) => record('task.onOpen', 'open', result));
  task.onMessage((result) => record('task.onMessage', 'message', result));
  task.onError((result) => record('task.onError', 'error', result));
  task.onClose((result) => record('task.onClose', 'close', result));
  updateState();
}

function sendText() {
  task?.send({ data: $('text').value, ...callbacks('send') });
}

function sendBinary() {
  task?.send({ data: crypto.getRandomValues(new Uint8Array(8)).buffer, ...callbacks('send') });
}

function close() {
  task?.close({ code: Number($('code').value), reason: $('reason').value, ...callbacks('close') });
}

async function server(action) {
  const response = await fetch(`/server/${action}`, { method: 'POST' });
  record('test server', action, response.ok ? 'done' : await response.text());
}

$('connect').onclick = connect;
$('send-text').onclick = sendText;
$('send-binary').onclick = sendBinary;
$('close').onclick = close;
$('push').onclick = () => server('push');
$('server-close').onclick = () => server('close');
$('drop').onclick = () => server('drop');

const config = await (await fetch('/config.json')).json();
$('url').value = config.url;

if (new URLSearchParams(location.search).has('auto')) {
  connect();
  let echoes = 0;
  task.onOpen(() => {
    sendText();
    sendBinary();
  });
  task.onMessage(() => {
    if (++echoes === 2) close();
  });
}
