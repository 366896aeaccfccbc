/** Types of scripts/janus.mjs. */
export declare const JANUS: string;

export interface TestJanus {
  url: string;
  adminUrl: string;
  apiSecret: string;
  adminSecret: string;
  adminKey: string;
  output(): string;
  /** Its process id. */
  pid: number;
  wsPort: number;
  adminPort: number;
  /** Kills it as a crash would (SIGKILL). */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export declare function startJanus(options?: {
  apiSecret?: string;
  adminSecret?: string;
  adminKey?: string;
  ip?: string;
  iceInterface?: string;
  /** The ports to listen on (default: free ones), e.g. to start one again where a killed one was. */
  wsPort?: number;
  adminPort?: number;
}): Promise<TestJanus>;
