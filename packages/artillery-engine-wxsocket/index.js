'use strict';
// Artillery finds an engine by its package name, artillery-engine-<name>, and uses the module itself as the
// engine's constructor: the engine lives in wxsocket (wxsocket/artillery); this package only gives it that name.
module.exports = require('wxsocket/artillery').WxSocketEngine;
