/**
 * The built signaling server for the SFU benches: silent, serving the built
 * demo, every room on the given Janus (none: a mesh), no per-address limits
 * (every page comes from one address). Resolves with the server, its page URL
 * and its WebSocket URL.
 */
const { createMeetingServer } = await import('../dist/server/app.js');
const { DEFAULT_LIMITS } = await import('../dist/server/config.js');
const { createLogger } = await import('../dist/server/log.js');
const { Metrics } = await import('../dist/server/metrics.js');

export async function startBenchServer({ janus, maxParticipants }) {
  const server = createMeetingServer(
    {
      port: 0,
      host: '127.0.0.1',
      stunUrls: [],
      logLevel: 'silent',
      staticDir: 'dist/public',
      ...(janus ? { sfu: { janus: [janus], mode: 'sfu', meshMax: 4 } } : {}),
      limits: {
        ...DEFAULT_LIMITS,
        maxParticipants,
        addressSockets: 0,
        addressJoinsPerMinute: 0,
        addressRoomsPerMinute: 0,
      },
    },
    { log: createLogger('silent'), metrics: new Metrics({ defaultMetrics: false }) },
  );
  const { port } = await server.listen();
  return { server, url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}/ws` };
}
