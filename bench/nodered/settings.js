/*
 * Node-RED settings for bench/nodered.sh: headless (no editor, no HTTP
 * listener at all), the flow of this directory, the user directory the
 * script gives in NODE_RED_USERDIR (a temporary directory), nothing
 * written back, warnings and errors only.
 */
"use strict";

const path = require("path");

module.exports = {
	userDir: process.env.NODE_RED_USERDIR,
	flowFile: path.join(__dirname, "flows.json"),
	flowFilePretty: true,
	readOnly: true,
	credentialSecret: false,
	httpAdminRoot: false,
	httpNodeRoot: false,
	disableEditor: true,
	externalModules: {
		autoInstall: false,
		palette: { allowInstall: false },
		modules: { allowInstall: false }
	},
	diagnostics: { enabled: false },
	runtimeState: { enabled: false },
	telemetry: { enabled: false },
	logging: {
		console: { level: "warn", metrics: false, audit: false }
	},
	functionExternalModules: false,
	functionGlobalContext: {}
};
