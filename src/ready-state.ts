/**
 * `SocketTask.readyState` values, as WebSocket's [lib]: one constant each, for the state machine, and the object
 * the package exports. A leaf module: the task, its controller and the `wx` object all read them.
 */
export const CONNECTING = 0;
export const OPEN = 1;
export const CLOSING = 2;
export const CLOSED = 3;
export const ReadyState = { CONNECTING, OPEN, CLOSING, CLOSED } as const;
