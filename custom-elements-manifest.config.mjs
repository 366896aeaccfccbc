/** Generates custom-elements.json from the element's JSDoc (`npm run manifest`). */

/**
 * The analyzer also guesses events from `dispatchEvent(new X(...))` calls and
 * names them after constructor arguments; the documented `@fires` tags are
 * the public list, so only `meeting-room-*` events are kept.
 */
function documentedEventsOnly() {
  return {
    name: 'documented-events-only',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          if (declaration.events) {
            declaration.events = declaration.events.filter((event) => event.name?.startsWith('meeting-room-'));
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/meeting-room.ts', 'src/events.ts', 'src/define.ts'],
  litelement: true,
  packagejson: false,
  plugins: [documentedEventsOnly()],
};
