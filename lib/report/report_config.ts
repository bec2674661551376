/**
 * The configuration `deno task report` uses: an explicit `--config` file, else the campaign's
 * `config.resolved.yaml`, else the store's `config_yaml` attribute, else the defaults.
 * @module
 */
import { loadConfig, type LoadedConfig, parseConfig } from "../io/config.ts";

/**
 * Resolve the report configuration of the campaign in `dir`.
 * @param storedYaml the store's `config_yaml` attribute, if read already
 * @throws ConfigError if the chosen YAML is invalid
 */
export async function resolveReportConfig(
  dir: string,
  configPath: string | undefined,
  env: Record<string, string | undefined>,
  storedYaml?: string,
): Promise<LoadedConfig & { source: string }> {
  if (configPath) return { ...(await loadConfig(configPath, env)), source: configPath };
  const resolved = `${dir}/config.resolved.yaml`;
  try {
    const text = await Deno.readTextFile(resolved);
    return { ...parseConfig(text, env, resolved), source: resolved };
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  if (storedYaml) {
    return {
      ...parseConfig(storedYaml, env, "config_yaml"),
      source: "store attribute config_yaml",
    };
  }
  return { ...parseConfig("", env, "<defaults>"), source: "defaults" };
}
