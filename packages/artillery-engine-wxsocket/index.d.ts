import { WxSocketEngine } from 'wxsocket/artillery';

export = WxSocketEngine;
