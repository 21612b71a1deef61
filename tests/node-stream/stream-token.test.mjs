// Stream's own server SDK (the `stream-chat` npm package) checks the user tokens coderoom
// mints: given the same API secret, it mints exactly the same token for the same user,
// expiry and issue time. Starts the real coderoom binary (CODEROOM_BIN, or the debug build
// under CARGO_TARGET_DIR or ./target) with Stream keys and talks to it over HTTP.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { StreamChat } from 'stream-chat';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const API_KEY = 'node-test-key';
const API_SECRET = 'node-test-secret-0123456789abcdefghij';
const TTL = 900;

function binary() {
  if (process.env.CODEROOM_BIN) return process.env.CODEROOM_BIN;
  const targetDir = process.env.CARGO_TARGET_DIR || path.join(repo, 'target');
  return path.join(targetDir, 'debug', 'coderoom');
}

/** Starts coderoom on a free loopback port; resolves to its base URL. */
function startCoderoom(dataDir) {
  const bin = binary();
  assert.ok(existsSync(bin), `coderoom binary not found at ${bin}: run cargo build first or set CODEROOM_BIN`);
  const child = spawn(bin, ['serve', '--bind', '127.0.0.1:0', '--data-dir', dataDir], {
    env: {
      PATH: process.env.PATH,
      CODEROOM_LOG_LEVEL: 'warn',
      CODEROOM_STREAM_API_KEY: API_KEY,
      CODEROOM_STREAM_API_SECRET: API_SECRET,
      CODEROOM_STREAM_TOKEN_TTL_SECS: String(TTL),
      // Nothing listens there; no session is created, so no REST call is made.
      CODEROOM_STREAM_BASE_URL: 'http://127.0.0.1:9',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = line.match(/^coderoom is listening on (http:\/\/\S+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`coderoom exited early with ${code}`)));
  });
  return { child, url };
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'coderoom-node-stream-'));
const server = startCoderoom(path.join(dataDir, 'data'));
after(() => {
  server.child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

async function signedInToken(base) {
  const register = await fetch(`${base}/api/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Node Tester', email: 'node@example.test', password: 'correct horse battery' }),
  });
  assert.equal(register.status, 201);
  const cookie = register.headers.get('set-cookie').split(';')[0];
  const response = await fetch(`${base}/api/chat/token`, { headers: { cookie } });
  assert.equal(response.status, 200);
  return response.json();
}

function payloadOf(token) {
  const [, payload] = token.split('.');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

test("stream-chat mints the same token coderoom hands out", async () => {
  const base = await server.url;
  const body = await signedInToken(base);
  assert.equal(body.userName, 'Node Tester');
  assert.equal(typeof body.userId, 'string');
  assert.equal(body.apiKey, API_KEY);

  const claims = payloadOf(body.token);
  assert.equal(claims.user_id, body.userId);
  const now = Math.floor(Date.now() / 1000);
  assert.ok(Math.abs(claims.iat - now) < 60, 'issued now');
  assert.equal(claims.exp - claims.iat, TTL, 'expires after the configured lifetime');

  const stream = new StreamChat(API_KEY, API_SECRET);
  assert.equal(body.token, stream.createToken(body.userId, claims.exp, claims.iat));

  // A different secret gives a different token: the equality above is the signature check.
  const other = new StreamChat(API_KEY, `${API_SECRET}-other`);
  assert.notEqual(body.token, other.createToken(body.userId, claims.exp, claims.iat));
});
