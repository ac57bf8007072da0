#!/usr/bin/env node
// Makes a fresh clone runnable with only Node installed: finds or installs pnpm (without relying on
// corepack, whose signature check fails on some machines) and installs the workspace's dependencies
// when the lockfile or a manifest changed since the last install. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '9.15.9';
const toolsDir = join(root, '.herald', 'tools');
const stampFile = join(root, '.herald', 'install.stamp');

function run(cmd, args, options = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${result.status}`);
}

function pnpmWorks(cmd) {
  const result = spawnSync(cmd, ['--version'], { cwd: root, encoding: 'utf8' });
  return result.status === 0 && result.stdout.trim().startsWith('9.');
}

/** The pnpm executable to use: a pnpm 9 on PATH, else one installed under .herald/tools. */
export function pnpmBin() {
  if (pnpmWorks('pnpm')) return 'pnpm';
  const local = join(toolsDir, 'node_modules', '.bin', 'pnpm');
  if (!existsSync(local) || !pnpmWorks(local)) {
    console.log(`[bootstrap] installing pnpm@${PNPM_VERSION} into .herald/tools`);
    mkdirSync(toolsDir, { recursive: true });
    run('npm', ['install', '--prefix', toolsDir, '--no-audit', '--no-fund', `pnpm@${PNPM_VERSION}`]);
  }
  return local;
}

function manifestDigest() {
  const hash = createHash('sha256');
  const files = ['pnpm-lock.yaml', 'package.json', 'pnpm-workspace.yaml'];
  for (const group of ['apps', 'packages']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) files.push(join(group, name, 'package.json'));
  }
  files.push(join('infra', 'package.json'));
  for (const file of files) {
    const path = join(root, file);
    hash.update(file);
    if (existsSync(path)) hash.update(readFileSync(path));
  }
  return hash.digest('hex');
}

/** Installs dependencies when anything that decides them changed; cheap when nothing did. */
export function ensureDependencies() {
  const digest = manifestDigest();
  const installed = existsSync(join(root, 'node_modules', '.modules.yaml'));
  if (installed && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === digest) return;
  const pnpm = pnpmBin();
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  console.log('[bootstrap] installing dependencies with pnpm');
  run(pnpm, ['install', ...frozen, '--prefer-offline', '--config.confirmModulesPurge=false']);
  mkdirSync(dirname(stampFile), { recursive: true });
  writeFileSync(stampFile, manifestDigest());
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    ensureDependencies();
  } catch (error) {
    console.error(`[bootstrap] failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
