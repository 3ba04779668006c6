/** The help text of the CLI and of each command (`wxsocket <command> --help`), and of `connect`'s typed `/help`. */

const TOP = `wxsocket: the WeChat Mini Program socket API (wx.connectSocket, SocketTask) on Node.js

Usage: wxsocket <command> [options]

Commands:
  demo             run WeChat's socket flows against a local wss server and print what WeChat delivers
  connect <url>    connect as a mini program would; type to send, see every event (or script it)
  doctor <url>     will this endpoint work from WeChat? checks scheme, domain, DNS, TLS, upgrade, round trip
  serve            a local echo and broadcast server (ws, or wss with --tls) to try a mini program against

Options:
  -h, --help       show help (also: wxsocket <command> --help, wxsocket help <command>)
  -v, --version    print the version

Exit codes: 0 ok, 1 a check or connection failed, 2 bad arguments.
Colours: on for terminals; NO_COLOR=1 turns them off, FORCE_COLOR=1 on.
Guide: docs/cli.md, in the package (node_modules/wxsocket/docs/cli.md) and the repository.
`;

const DEMO = `Usage: wxsocket demo [--platform android|ios] [--json]

Runs small mini-program flows through the wx API, first as WeChat on Android, then on iOS, and
prints each call the code makes (→) and each callback or listener WeChat delivers (←), with the
time since the start:
  1. the global API: messages sent before the socket opens wait in a queue (the sample of
     WeChat's 1.x documentation)
  2. a SocketTask exchanging text and binary
  3. a close with a code and a reason
  4. wx.closeSocket before onSocketOpen: it does not close a socket that is still connecting
     (a caveat of WeChat's documentation)
  5. the domain check refusing a URL
  6. the user leaves the app and comes back (hide, suspend, show): WeChat closes the socket
  7. the phone switches network: the connection drops, and a new one opens
The server is local: wss://demo.wxsocket.test, mapped to 127.0.0.1, with a certificate from a CA
made for the run, so WeChat's domain check can stay on. Nothing leaves this machine.

Options:
  --platform p     run one platform only: android or ios (default: both)
  --json           one JSON object per line: {t, type, name, payload, profile, flow}
  -h, --help       show this help
`;

/**
 * The commands typed into `wxsocket connect`: its --help and its `/help` both print this, so the two cannot drift.
 */
export const CONNECT_COMMANDS = `Type a line to send it as text; commands:
  /binary <hex>              send binary, e.g. /binary de ad be ef
  /close [code] [reason]     task.close({code, reason}) (code 1000 or 3000-4999)
  /quit                      close with 1000 and exit (also: end of input, Ctrl-D)
  /help                      list these commands
  //text                     send text that starts with "/"
The phone, to watch what your server sees when a user switches apps or networks:
  /hide [ms]                 the user leaves the app: onAppHide; suspended after ms (default 5000)
  /show                      the user comes back: onAppShow, then what was held while suspended
  /suspend                   suspended now: WeChat closes the socket (the server sees 1000)
  /network <type>            switch network (wifi, 2g, 3g, 4g, 5g, unknown): drops the connection
  /offline, /online [type]   lose the network (the connection fails), get it back
  /weak <ms> [bytes/s]       a weak link: latency each way and bandwidth, e.g. /weak 300 64000
  /strong                    the link is strong again
`;

const CONNECT = `Usage: wxsocket connect <url> [options]

Connects with wx.connectSocket and shows what WeChat delivers: the open header and profile, messages,
errors and the close. ${CONNECT_COMMANDS}
Options:
  --header name:value        a request header (repeatable)
  --protocol p               a subprotocol to request (repeatable)
  --platform android|ios     emulate WeChat on this phone platform (default android)
  --sdk version              the WeChat base library version (SDKVersion) to emulate, e.g. 2.9.0
                             (default the newest)
  --domain host              a legal socket domain (repeatable): turns the domain check on
  --resolve host:address     reach host at this IP address, like /etc/hosts (repeatable)
  --ca file                  trust this PEM CA certificate besides the system ones (repeatable)
  --timeout ms               handshake timeout, and the longest --wait (default 10000)
  --deflate                  offer permessage-deflate (perMessageDeflate: true)
  --json                     one JSON object per line: {t, type, name, payload}
Scripted (no prompt, stdin not read):
  --send line                after open, handle this line as if typed (repeatable, in order)
  --wait n                   then wait for n messages before closing with 1000
  -h, --help                 show this help

Exit codes: 0 the connection opened and closed normally; 1 it failed (onError, a 1006 close, fewer
than --wait messages before the timeout or the close); 2 bad arguments (including a URL or header
that wx.connectSocket refuses).

Example: wxsocket connect wss://chat.example.com/ws --header "Authorization: Bearer abc" --send hello --wait 1
`;

const DOCTOR = `Usage: wxsocket doctor <url> [options]

Will this endpoint work from WeChat? Each check passes, warns or fails, with how to fix it:
  scheme (wss), host (not an IP or localhost), domain list (with --domain), DNS, TCP,
  TLS version (1.2 or newer), certificate trusted, chain complete, host name match, expiry,
  upgrade answered with 101, subprotocol echoed (with --protocol), permessage-deflate,
  handshake through wx.connectSocket, a message round trip, a clean close.
On a terminal each check shows as soon as it is known, with the step under way below.

Options:
  --domain host              the legal socket domains to check the URL against (repeatable)
  --protocol p               a subprotocol the mini program requests (repeatable)
  --header name:value        a request header the mini program sends (repeatable); sent only to a
                             server whose TLS passed the checks, as it may hold a token
  --message text             the message sent for the round trip (default "ping")
  --platform android|ios     emulate WeChat on this phone platform (default android)
  --sdk version              the WeChat base library version (SDKVersion) to emulate (default the newest)
  --resolve host:address     reach host at this IP address, like /etc/hosts (repeatable)
  --ca file                  trust this PEM CA certificate too (a phone would not: a warning says so)
  --timeout ms               the longest wait for each step (default 10000)
  --json                     print the report as one JSON object
  -h, --help                 show this help

Exit codes: 0 no check failed (warnings allowed), 1 a check failed, 2 bad arguments.
`;

const SERVE = `Usage: wxsocket serve [options]

A local WebSocket server to try a mini program or wxsocket connect against. Every message is sent
back to every connected client, its sender included (--mode echo: to its sender only).

Options:
  --port n                   the port (default 8080, or 8443 with --tls; 0 picks a free one)
  --host address             the address to listen on (default 127.0.0.1)
  --tls                      serve wss with a certificate from a CA generated now; prints the CA's path
  --hostname name            a name the certificate also covers (besides localhost, 127.0.0.1, ::1)
  --cert-dir dir             where to write ca.pem (default a temporary folder, removed on exit); the
                             server's certificate and key are kept there too, and served again by the
                             next serve on that folder: clients that trust ca.pem reconnect after a restart
  --protocol p               a subprotocol to accept when offered (repeatable; default: the first offered)
  --header name:value        a header to add to every 101 response (repeatable)
  --mode broadcast|echo      who gets each message (default broadcast)
  --max-payload bytes        the largest message accepted (default 1048576, 1 MiB; at most 33554432);
                             a larger one closes its sender's connection with 1009
  --allow-origin origin      let browser pages from this origin connect, e.g. https://app.example.com
                             (repeatable; * for any page). By default only pages on this machine
                             (localhost, 127.0.0.1, ::1) may; clients that send no Origin (WeChat,
                             wxsocket connect) always may
  --json                     log one JSON object per line
  -h, --help                 show this help

A client that stops reading is disconnected once 8 MiB (or two --max-payload) wait for it; the
log says so. Long messages are logged as a preview with their size. Stop it with Ctrl-C.
`;

/** Help texts by command. */
export const HELP = { top: TOP, demo: DEMO, connect: CONNECT, doctor: DOCTOR, serve: SERVE } as const;

/** The commands, by name. */
export type CommandName = Exclude<keyof typeof HELP, 'top'>;
