// Types of scripts/system-deps.mjs (plain JavaScript: `npm test` runs it before anything is built).
export interface SystemDep {
  pkg: "chromium" | "postgresql" | "prometheus";
  what: string;
  steps: string[];
}

export type SystemDepsPlan = { action: "none" } | { action: "install"; commands: string[][] } | { action: "stop"; command: string; message: string };

export const SYSTEM_DEPS: SystemDep[];
export function packagesFor(steps: string[] | undefined): string[];
export function planSystemDeps(situation: { missing: string[]; root: boolean; apt: boolean; sudo: boolean }): SystemDepsPlan;
export function missingPackages(steps: string[] | undefined, env?: NodeJS.ProcessEnv): string[];
export function ensureSystemDeps(steps: string[] | undefined, options?: { env?: NodeJS.ProcessEnv; log?: (line: string) => void }): boolean;
