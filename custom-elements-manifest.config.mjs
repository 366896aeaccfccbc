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

/**
 * `static properties` marks the element's internal reactive state with
 * `state: true`, which the analyzer does not read: it would list those private
 * fields as attributes. Private fields are never attributes.
 */
function privateStateIsNotAnAttribute() {
  return {
    name: 'private-state-is-not-an-attribute',
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const internal = new Set();
          for (const member of declaration.members ?? []) {
            if (member.privacy === 'private' && member.attribute) {
              internal.add(member.attribute);
              delete member.attribute;
            }
          }
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter((attribute) => !internal.has(attribute.name));
          }
        }
      }
    },
  };
}

export default {
  globs: ['src/ui/meeting-room.ts', 'src/ui/events.ts', 'src/define.ts'],
  litelement: true,
  packagejson: false,
  plugins: [documentedEventsOnly(), privateStateIsNotAnAttribute()],
};
