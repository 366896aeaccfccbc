/** Pure logic: configuration, the token bucket, TURN credentials, message parsing. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, DEFAULT_LIMITS, loadConfig } from '../../server/config.js';
import { parseClientMessage } from '../../server/parse.js';
import { TokenBucket } from '../../server/rate-limit.js';
import { iceServersFor, turnCredentials } from '../../server/turn.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({}, []);
    assert.equal(config.port, 8787);
    assert.equal(config.host, '127.0.0.1');
    assert.equal(config.authSecret, undefined);
    assert.equal(config.allowedOrigins, undefined);
    assert.deepEqual(config.limits, DEFAULT_LIMITS);
    assert.equal(config.limits.maxFrameBytes, 65536);
    assert.equal(config.limits.messagesPerSecond, 50);
    assert.equal(config.limits.messageBurst, 200);
    assert.equal(config.limits.maxParticipants, 8);
    assert.equal(config.limits.resumeWindowMs, 10_000);
  });

  it('reads variables, and flags win over them', () => {
    const config = loadConfig(
      {
        PORT: '9000',
        ALLOWED_ORIGINS: 'https://a.example, https://b.example',
        MAX_PARTICIPANTS: '4',
        TURN_SECRET: 's'.repeat(16),
        TURN_URLS: 'turn:127.0.0.1:3478',
      },
      ['--port', '9100', '--resume-window-ms=0'],
    );
    assert.equal(config.port, 9100);
    assert.deepEqual(config.allowedOrigins, ['https://a.example', 'https://b.example']);
    assert.equal(config.limits.maxParticipants, 4);
    assert.equal(config.limits.resumeWindowMs, 0);
    assert.deepEqual(config.turn, { secret: 's'.repeat(16), urls: ['turn:127.0.0.1:3478'], ttlSeconds: 600 });
  });

  const secrets = {
    JANUS_API_SECRET: 'a'.repeat(16),
    JANUS_ADMIN_SECRET: 'b'.repeat(16),
    JANUS_ADMIN_KEY: 'c'.repeat(16),
  };
  it('reads one Janus instance or several (JANUS_URLS), each with the same secrets; auto by default', () => {
    const one = loadConfig(
      { ...secrets, JANUS_URL: 'ws://127.0.0.1:8188', JANUS_ADMIN_URL: 'ws://127.0.0.1:7188' },
      [],
    );
    assert.deepEqual(
      one.sfu?.janus.map((j) => [j.url, j.adminUrl]),
      [['ws://127.0.0.1:8188', 'ws://127.0.0.1:7188']],
    );
    assert.equal(one.sfu?.mode, 'auto');
    assert.equal(one.limits.maxParticipants, 50);
    const two = loadConfig(
      {
        ...secrets,
        JANUS_URLS: 'ws://10.0.0.1:8188, ws://10.0.0.2:8188',
        JANUS_ADMIN_URLS: 'ws://10.0.0.1:7188,ws://10.0.0.2:7188',
        MEDIA_MODE: 'sfu',
      },
      [],
    );
    assert.deepEqual(
      two.sfu?.janus.map((j) => [j.url, j.adminUrl, j.apiSecret, j.adminKey]),
      [
        ['ws://10.0.0.1:8188', 'ws://10.0.0.1:7188', 'a'.repeat(16), 'c'.repeat(16)],
        ['ws://10.0.0.2:8188', 'ws://10.0.0.2:7188', 'a'.repeat(16), 'c'.repeat(16)],
      ],
    );
    assert.equal(two.sfu?.mode, 'sfu');
  });

  const bad: [Record<string, string>, string[], RegExp][] = [
    [{ MEDIA_MODE: 'sfu' }, [], /MEDIA_MODE sfu needs JANUS_URL/],
    [{ JANUS_ADMIN_URLS: 'ws://a:7188' }, [], /JANUS_ADMIN_URLS is set but JANUS_URLS is not/],
    [
      { ...secrets, JANUS_URL: 'ws://a:8188', JANUS_URLS: 'ws://b:8188', JANUS_ADMIN_URLS: 'ws://b:7188' },
      [],
      /not both/,
    ],
    [
      { ...secrets, JANUS_URLS: 'ws://a:8188,ws://b:8188', JANUS_ADMIN_URLS: 'ws://a:7188' },
      [],
      /JANUS_URLS has 2 URLs and JANUS_ADMIN_URLS 1/,
    ],
    [
      { ...secrets, JANUS_URLS: 'ws://a:8188,ws://a:8188', JANUS_ADMIN_URLS: 'ws://a:7188,ws://b:7188' },
      [],
      /names an instance twice/,
    ],
    [
      { ...secrets, JANUS_URLS: 'ws://a:8188,http://b:8188', JANUS_ADMIN_URLS: 'ws://a:7188,ws://b:7188' },
      [],
      /JANUS_URLS must be a ws:\/\/ or wss:\/\/ URL/,
    ],
    [
      { JANUS_URLS: 'ws://a:8188', JANUS_ADMIN_URLS: 'ws://a:7188' },
      [],
      /JANUS_API_SECRET must be set with JANUS_URLS/,
    ],
    [{ PORT: '70000' }, [], /PORT must be an integer from 0 to 65535/],
    [{ MAX_PARTICIPANTS: '1' }, [], /MAX_PARTICIPANTS/],
    [{ MEETING_AUTH_SECRET: 'short' }, [], /MEETING_AUTH_SECRET must be at least 16/],
    [{ TURN_SECRET: 's'.repeat(16) }, [], /TURN_SECRET and TURN_URLS/],
    [{ TURN_SECRET: 's'.repeat(16), TURN_URLS: 'http://x' }, [], /must start with turn:/],
    [{ LOG_LEVEL: 'loud' }, [], /LOG_LEVEL/],
    [{}, ['--nope', '1'], /unknown flag --nope/],
    [{}, ['--port'], /needs a value/],
  ];
  for (const [env, argv, message] of bad) {
    it(`refuses ${JSON.stringify(env)} ${argv.join(' ')}`, () => {
      assert.throws(
        () => loadConfig(env, argv),
        (error: unknown) => error instanceof ConfigError && message.test(error.message),
      );
    });
  }
});

describe('TokenBucket', () => {
  it('allows the burst, then the rate', () => {
    const bucket = new TokenBucket(10, 5, 2000, 0);
    const verdicts = Array.from({ length: 7 }, () => bucket.take(0));
    assert.deepEqual(verdicts, ['ok', 'ok', 'ok', 'ok', 'ok', 'limited', 'limited']);
    assert.equal(bucket.take(100), 'ok', 'one token refilled after 100 ms at 10/s');
    assert.equal(bucket.take(100), 'limited');
  });

  it('reports flooding only after refusals without a pause for floodCloseMs', () => {
    const bucket = new TokenBucket(10, 1, 2000, 0);
    bucket.take(0);
    let t = 0;
    let verdict = bucket.take(t);
    while (verdict !== 'flooding' && t < 5000) verdict = bucket.take((t += 5));
    assert.equal(verdict, 'flooding');
    assert.ok(t >= 2000 && t < 2100, `flooding at ${t} ms`);
    const calm = new TokenBucket(10, 1, 2000, 0);
    for (let s = 0; s < 10_000; s += 1500) {
      calm.take(s);
      assert.notEqual(calm.take(s), 'flooding', 'bursts with pauses between them are not a flood');
    }
  });
});

describe('TURN credentials', () => {
  it('follow the TURN REST API form that coturn checks', () => {
    const turn = { secret: 'turn-secret-0123456789', urls: ['turn:127.0.0.1:3478?transport=udp'], ttlSeconds: 600 };
    const server = turnCredentials(turn, 'client-1234', 1_700_000_000_000);
    assert.equal(server.username, '1700000600:client-1234');
    assert.equal(server.credential, createHmac('sha1', turn.secret).update('1700000600:client-1234').digest('base64'));
    assert.deepEqual(server.urls, turn.urls);
  });

  it('are combined with STUN URLs, or absent when nothing is configured', () => {
    assert.equal(iceServersFor({ stunUrls: [] }, 'x'), undefined);
    const servers = iceServersFor(
      { stunUrls: ['stun:127.0.0.1:3478'], turn: { secret: 's'.repeat(16), urls: ['turn:h'], ttlSeconds: 60 } },
      'client-1',
    );
    assert.equal(servers!.length, 2);
    assert.deepEqual(servers![0], { urls: ['stun:127.0.0.1:3478'] });
    assert.match(servers![1]!.username!, /^\d+:client-1$/);
  });
});

describe('parseClientMessage', () => {
  it('strips unknown fields and a client-sent from', () => {
    const result = parseClientMessage(
      JSON.stringify({ type: 'AUDIO_TOGGLE', enabled: true, from: 'forged-id', extra: [1] }),
    );
    assert.deepEqual(result, { ok: true, message: { type: 'AUDIO_TOGGLE', enabled: true } });
  });

  it('names the field at fault and bounds the message length', () => {
    const result = parseClientMessage(
      JSON.stringify({ type: 'OFFER', to: 'abcdefgh', sdp: 5, audioEnabled: true, videoEnabled: true }),
    );
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.code, 'bad-message');
      assert.match(result.message, /^OFFER\.sdp: /);
      assert.equal(result.ref, 'OFFER');
    }
    const long = parseClientMessage(
      JSON.stringify({
        type: 'JOIN',
        room: 'x'.repeat(5000),
        clientId: 'abcdefgh',
        audioEnabled: true,
        videoEnabled: true,
      }),
    );
    assert.ok(!long.ok && long.message.length <= 200);
  });

  it('does not fall for prototype keys', () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const result = parseClientMessage(JSON.stringify({ type }));
      assert.ok(!result.ok && result.code === 'bad-message', type);
    }
  });
});
