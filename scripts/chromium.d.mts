/** Types of chromium.mjs, for the TypeScript tests that launch Chromium. */
export declare const CHROMIUM: string;
export declare const CHROMIUM_ARGS: string[];
export declare const CALL_ARGS: string[];
