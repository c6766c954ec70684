#!/usr/bin/env node
// Compiles each .ink file given on the command line to <file>.json with inkjs's compiler
// (the one pinned in package-lock.json). Any compiler error or warning fails the build, so
// a scenario never ships with a problem the compiler saw. Visits to every knot are
// counted, so a runtime can tell whether a path passed through `debrief`.
"use strict";
const fs = require("fs");
const path = require("path");
const { Compiler, CompilerOptions, JsonFileHandler } = require("inkjs/full");

let failed = false;
for (const source of process.argv.slice(2)) {
  const problems = [];
  // No source file name: the scenarios include no other files, and inkjs resolves names
  // only for includes.
  const options = new CompilerOptions(
    null,
    [],
    true,
    (message) => problems.push(message),
    new JsonFileHandler({}),
  );
  const compiler = new Compiler(fs.readFileSync(source, "utf-8"), options);
  let story = null;
  try {
    story = compiler.Compile();
  } catch (error) {
    problems.push(String(error.message || error));
  }
  if (!story || problems.length) {
    failed = true;
    for (const p of problems) process.stderr.write(`${path.basename(source)}: ${p}\n`);
    continue;
  }
  fs.writeFileSync(`${source}.json`, story.ToJson() + "\n");
  process.stdout.write(`compiled ${source} -> ${source}.json\n`);
}
process.exit(failed ? 1 : 0);
