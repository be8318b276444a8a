import { getConfig, type Config } from "@mini-studio/config";
import { getDb, type Db } from "@mini-studio/db";
import { sweepStaging } from "@mini-studio/storage";
import { getStorage } from "./storage";

/**
 * What a server does before it takes traffic: validate every setting (a bad one throws a
 * one-line ConfigError), bring the database schema up to date, and clear upload staging files
 * that a killed process left behind.
 */
export async function bootstrap(): Promise<{ config: Config; db: Db }> {
  const config = getConfig();
  const db = await getDb();
  await sweepStaging(getStorage(config).stagingDir(), { olderThanMs: 3_600_000 });
  return { config, db };
}
