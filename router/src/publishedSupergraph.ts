import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '@supergraph/common';

/** Changes inside this window are read once: a publish writes several files. */
const SETTLE_MS = 50;

/**
 * Serves a published supergraph file and follows it: when `publish`
 * replaces it (by rename, so it is always complete), the gateway switches
 * to the new one without a restart. A file that fails to load is logged
 * and never replaces the supergraph being served.
 */
export function publishedSupergraph(file: string, logger: Logger, onRejected?: (error: Error) => void): SupergraphManager {
  return {
    async initialize({ update }) {
      let served = await readFile(file, 'utf8');
      let timer: NodeJS.Timeout | undefined;
      const reload = async () => {
        const next = await readFile(file, 'utf8').catch(() => undefined);
        if (next === undefined || next === served) return;
        try {
          update(next);
          served = next;
          logger.info({ file }, 'switched to the newly published supergraph');
        } catch (error) {
          logger.error({ err: error, file }, 'the published supergraph failed to load; still serving the previous one');
          onRejected?.(error as Error);
        }
      };
      // The folder, not the file: publish renames a new file into place.
      const watcher = watch(path.dirname(file), (_event, name) => {
        if (name !== path.basename(file)) return;
        clearTimeout(timer);
        timer = setTimeout(() => void reload(), SETTLE_MS);
      });
      return {
        supergraphSdl: served,
        cleanup: async () => {
          clearTimeout(timer);
          watcher.close();
        },
      };
    },
  };
}
