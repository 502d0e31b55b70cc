/** A throwaway PostgreSQL cluster (see pg-cluster.mjs). */
export declare function serverBinaries(): string | null;
export declare function startCluster(bin: string, settings?: readonly string[]): Promise<{ url: string; stop(): void }>;
export declare function freePort(): Promise<number>;
