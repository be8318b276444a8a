import type { Config } from "@mini-studio/config";
import { createLocalDriver, type StorageDriver } from "@mini-studio/storage";

// One driver per storage root and process (kept on globalThis for Next's dev reloads).
const DRIVERS = Symbol.for("@mini-studio/api/storage-drivers");
type Holder = { [DRIVERS]?: Map<string, StorageDriver> };

/** Where files live. Today the local disk under STORAGE_DIR; an object-store driver slots in here. */
export function getStorage(config: Config): StorageDriver {
  const holder = globalThis as Holder;
  const drivers = (holder[DRIVERS] ??= new Map());
  let driver = drivers.get(config.storageDir);
  if (!driver) {
    driver = createLocalDriver(config.storageDir);
    drivers.set(config.storageDir, driver);
  }
  return driver;
}
