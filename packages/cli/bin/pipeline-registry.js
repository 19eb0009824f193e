#!/usr/bin/env node
// The command's entry: a file in the repository, not in dist/, so that npm links it on install
// even before dist/ is built.
import "../dist/bin.js";
