/**
 * Runs in every test worker before the test files: copies the stack coordinates provided by
 * `global-setup.ts` into `process.env`, so code under test can read them like in production.
 */
import { inject } from "vitest";

Object.assign(process.env, inject("testEnv"));
