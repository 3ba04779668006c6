// Each marked line is a type error that official-typings.test.ts expects tsc to report (code and line).
import type { SocketTask, Wx } from '../../../src/public.js';

declare const wx: Wx;
declare const task: SocketTask;

/* TS2740 */ const udp: WechatMiniprogram.UDPSocket = task;
/* TS2322 */ wx.connectSocket({ url: 42 });
/* TS2322 */ task.send({ data: new Uint8Array(2) });
/* TS2339 */ task.onMessage((res) => res.wasClean);

export { udp };
