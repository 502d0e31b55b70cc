/** How deskctl imports each library kept apart in dist/lib/ (see libraries.mjs). */
export declare const LIBRARIES: Record<string, 'default' | 'named'>;
export declare const libraryFile: (name: string) => string;
