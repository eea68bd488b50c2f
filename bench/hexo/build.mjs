#!/usr/bin/env node
// Builds a Hexo site with the Hexo installed here (bench/hexo/node_modules), for bench/compare.sh:
//   node bench/hexo/build.mjs SITE_DIR CONFIG_FILES
// The site gets this folder's package.json (so Hexo loads the same generators and renderers)
// and a node_modules link; `hexo clean` state (db.json, public/) is removed first.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const [site, configs = '_config.yml'] = process.argv.slice(2);
const base = path.resolve(site);
fs.copyFileSync(path.join(here, 'package.json'), path.join(base, 'package.json'));
const link = path.join(base, 'node_modules');
if (!fs.existsSync(link)) fs.symlinkSync(path.join(here, 'node_modules'), link);
fs.rmSync(path.join(base, 'db.json'), { force: true });
fs.rmSync(path.join(base, 'public'), { recursive: true, force: true });

const require = createRequire(path.join(here, 'package.json'));
const Hexo = require('hexo');
const hexo = new Hexo(base, { config: configs, silent: true });
hexo.env.init = true;  // what hexo-cli sets once it found a Hexo folder: load the plugins
await hexo.init();
await hexo.call('generate', {});
await hexo.exit();
