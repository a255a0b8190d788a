import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';

export interface Location {
  /** A URL as V8 reports it (file://…, node:…), or an absolute path from a source map. */
  url: string;
  /** 0-based, as in V8's call frames. */
  lineNumber: number;
}

/**
 * Where code of a bundled file (the service runs as dist/ordered.js) came from, through the
 * source map beside it: without it a profile of the service is all one file. Code of files
 * without a map stays where it is.
 */
export class OriginalLocations {
  private readonly maps = new Map<string, TraceMap | null>();

  of(url: string, lineNumber: number, columnNumber: number): Location {
    const map = this.mapFor(url);
    if (!map) return { url, lineNumber };
    const original = originalPositionFor(map, { line: lineNumber + 1, column: Math.max(0, columnNumber) });
    if (original.source === null || original.line === null) return { url, lineNumber };
    return { url: resolve(dirname(fileURLToPath(url)), original.source), lineNumber: original.line - 1 };
  }

  private mapFor(url: string): TraceMap | null {
    let map = this.maps.get(url);
    if (map === undefined) {
      const mapFile = url.startsWith('file://') ? `${fileURLToPath(url)}.map` : '';
      map = mapFile && existsSync(mapFile) ? new TraceMap(readFileSync(mapFile, 'utf8')) : null;
      this.maps.set(url, map);
    }
    return map;
  }
}
