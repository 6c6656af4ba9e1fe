import { describe, expect, it } from 'vitest';
import plugin, { rulesFor } from '../../index.js';
import { packageInfo } from '../../analysis/package-info.js';

describe('plugin object', () => {
  it('has flat-config meta with name, version and namespace', () => {
    expect(plugin.meta).toEqual({ name: 'eslint-plugin-otel-context', version: packageInfo.version, namespace: 'otel-context' });
    expect(packageInfo.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('builds each config from rule metadata and names it', () => {
    for (const name of ['recommended', 'strict'] as const) {
      const config = plugin.configs[name];
      expect(config.name).toBe(`otel-context/${name}`);
      expect(config.plugins?.['otel-context']).toBe(plugin);
      expect(Object.keys(config.rules ?? {}).sort()).toEqual(rulesFor(name).map((id) => `otel-context/${id}`));
    }
    expect(rulesFor('strict')).toEqual(Object.keys(plugin.rules).sort());
    for (const id of rulesFor('recommended')) expect(rulesFor('strict')).toContain(id);
  });
});
