/** Types of scripts/janus.mjs. */
export declare const JANUS: string;

export interface TestJanus {
  url: string;
  adminUrl: string;
  apiSecret: string;
  adminSecret: string;
  adminKey: string;
  output(): string;
  stop(): Promise<void>;
}

export declare function startJanus(options?: {
  apiSecret?: string;
  adminSecret?: string;
  adminKey?: string;
  ip?: string;
  iceInterface?: string;
}): Promise<TestJanus>;
