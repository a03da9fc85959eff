// Types of current-node.mjs for the TypeScript that uses it (packaging/ fetches Node 20 the same way).
export const CURRENT_NODE_MAJOR: number;

export type InstalledNode =
  | { node: string; nodeDir: string; version: string; error?: undefined }
  | { error: string; node?: undefined; nodeDir?: undefined; version?: undefined };

export function installCurrentNode(root: string): InstalledNode;
export function installNodeFromNpm(root: string, options: { major: number; arch?: string }): InstalledNode;
export function mirrorWorkingTree(root: string): string;
export function currentNodeEnv(node: { node: string; nodeDir: string }): NodeJS.ProcessEnv;
