import type { Command } from '../command.js';
import { creditsAdd } from './credits-add.js';
import { creditsShow } from './credits-show.js';
import { keyIssue } from './key-issue.js';
import { keyList } from './key-list.js';
import { keyRevoke } from './key-revoke.js';
import { tenantCreate } from './tenant-create.js';
import { tenantList } from './tenant-list.js';
import { tenantShow } from './tenant-show.js';

/** Every CLI command, in the order `--help` lists them. */
export const COMMANDS: readonly Command[] = [
  tenantCreate,
  tenantList,
  tenantShow,
  keyIssue,
  keyList,
  keyRevoke,
  creditsAdd,
  creditsShow,
];
