/** Types of scripts/janus-namespace.mjs. */
import type { Page } from 'puppeteer-core';

export declare function inJanusNamespace(scriptUrl: string | URL): void;
export declare function joinWithElement(
  page: Page,
  url: string,
  signal: string,
  room: string,
  name: string,
): Promise<void>;
