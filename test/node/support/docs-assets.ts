import { buildDocsAssets } from "../../../scripts/docs-assets.ts";

/**
 * Global set-up of the workerd projects: the Worker serves /openapi.json and /docs's scripts
 * from its static assets, which are built (scripts/docs-assets.ts), so `npx vitest run`
 * alone finds them current, as `npm test` (which builds them first) does.
 */
export default async function buildAssets(): Promise<void> {
  await buildDocsAssets();
}
