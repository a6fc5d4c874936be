#!/usr/bin/env node
// The `pulumi-atlas-users` command (review, audit): runs the built CLI.
"use strict";
const { main } = require("../dist/cli/main.js");

main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`pulumi-atlas-users: ${err && err.message ? err.message : String(err)}\n`);
    process.exitCode = 3;
  },
);
