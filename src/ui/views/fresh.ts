/**
 * Lit's `live()` for property bindings only, in a fraction of its size: the
 * value is assigned only when the element's current one differs. Lit commits
 * an object-valued binding on every render, and assigning `srcObject` (even
 * the same stream) reloads a video.
 */
import { noChange } from 'lit';
import { Directive, directive, type PropertyPart } from 'lit/directive.js';

class Fresh extends Directive {
  render(value: unknown) {
    return value;
  }

  override update(part: PropertyPart, [value]: [unknown]) {
    return (part.element as unknown as Record<string, unknown>)[part.name] === value ? noChange : value;
  }
}

export const fresh = directive(Fresh);
