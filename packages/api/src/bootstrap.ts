import { getConfig, type Config } from "@mini-studio/config";
import { getDb, type Db } from "@mini-studio/db";

/**
 * What a server does before it takes traffic: validate every setting (a bad one
 * throws a one-line ConfigError) and bring the database schema up to date.
 */
export async function bootstrap(): Promise<{ config: Config; db: Db }> {
  const config = getConfig();
  const db = await getDb();
  return { config, db };
}
