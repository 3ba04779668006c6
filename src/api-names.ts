/**
 * The API names that prefix `errMsg` (`sendSocketMessage:ok`, `closeSocket:fail …`), imported as `Api`: the task's
 * `send`/`close` report under the global API's names, as WeChat's do [lib].
 */
export const connect = 'connectSocket';
export const send = 'sendSocketMessage';
export const close = 'closeSocket';
