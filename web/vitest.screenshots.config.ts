import { defineConfig } from 'vitest/config';

import e2e from './vitest.e2e.config';

// The screenshots in docs/ (`npm run screenshots`): taken with the e2e tests' service and
// browser, but not a test, so the e2e run does not collect them.
export default defineConfig({
  test: { ...e2e.test, include: ['e2e/screenshots.shots.ts'] },
});
