// wss_sub.js URL TOPIC [CAFILE]: connect to the broker over secure
// WebSockets with the mqtt package the web pages use, as BEACON_USERNAME
// with BEACON_PASSWORD, trusting only CAFILE (without it, only Node's own
// CAs), and print the first message on TOPIC. Exit 0 with the message, 1
// with the reason the connection failed. For t_tls.
'use strict';

const fs = require('fs');
const path = require('path');

const [url, topic, cafile] = process.argv.slice(2);
const mqtt = require(path.join(process.env.BEACON_SRC,
	'clients/web/node_modules/mqtt'));

const opts = {
	username: process.env.BEACON_USERNAME,
	password: process.env.BEACON_PASSWORD,
	reconnectPeriod: 0,
	connectTimeout: 5000,
	rejectUnauthorized: true,
};
if (cafile)
	opts.ca = fs.readFileSync(cafile);

const client = mqtt.connect(url, opts);
const timer = setTimeout(() => {
	console.error('wss_sub: nothing within 10 s');
	process.exit(1);
}, 10000);

client.on('connect', () => client.subscribe(topic, { qos: 1 }));
client.on('message', (t, payload) => {
	console.log(`${t} ${payload.toString()}`);
	clearTimeout(timer);
	client.end(true, () => process.exit(0));
});
client.on('error', (err) => {
	console.error(`wss_sub: ${err.message}`);
	process.exit(1);
});
