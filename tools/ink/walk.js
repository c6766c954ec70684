#!/usr/bin/env node
// Walks every path of each compiled scenario (.ink.json) with inkjs's runtime, a second
// Ink runtime independent of the bink one echoorg plays scenarios with on the server.
//
// From each choice point it saves the story state, takes one choice, and restores the
// state for the next. Two arrivals at the same choice point with the same variables lead
// to the same futures, so such a point is explored once (the walk stays finite and quick
// while still covering every path). Prints a JSON summary and exits non-zero when a path
// ends without passing through the `debrief` knot, stops with no choices and no end, takes
// fewer than MIN_DECISIONS decisions, or the runtime reports any error or warning.
"use strict";
const fs = require("fs");
const { Story } = require("inkjs");

const MIN_DECISIONS = Number(process.env.MIN_DECISIONS || 12);
const MIN_ENDINGS = Number(process.env.MIN_ENDINGS || 4);

function variables(story) {
  const values = {};
  for (const name of story.variablesState._globalVariables.keys()) {
    values[name] = story.variablesState.$(name);
  }
  return values;
}

function walk(file) {
  const story = new Story(fs.readFileSync(file, "utf-8").replace(/^\uFEFF/, ""));
  const problems = [];
  story.onError = (message, type) => problems.push(`${type === 1 ? "warning" : "error"}: ${message}`);
  const seen = new Set();
  const endings = new Set();
  let terminals = 0;
  let fewest = Infinity;
  let most = 0;
  const stack = [{ state: story.state.ToJson(), decisions: 0, trail: [] }];
  while (stack.length) {
    const { state, decisions, trail } = stack.pop();
    story.state.LoadJson(state);
    while (story.canContinue) story.Continue();
    const choices = story.currentChoices;
    if (choices.length === 0) {
      terminals += 1;
      fewest = Math.min(fewest, decisions);
      most = Math.max(most, decisions);
      const ending = story.variablesState.$("ending");
      if (story.state.VisitCountAtPathString("debrief") < 1) {
        problems.push(`path ends without reaching debrief: ${trail.join(" > ")}`);
      } else if (!ending) {
        problems.push(`path reaches debrief but names no ending: ${trail.join(" > ")}`);
      } else {
        endings.add(ending);
      }
      if (decisions < MIN_DECISIONS) {
        problems.push(`path with ${decisions} decisions: ${trail.join(" > ")}`);
      }
      continue;
    }
    const key = JSON.stringify([choices.map((c) => c.text), variables(story)]);
    if (seen.has(key)) continue;
    seen.add(key);
    const here = story.state.ToJson();
    choices.forEach((choice, index) => {
      story.state.LoadJson(here);
      story.ChooseChoiceIndex(index);
      stack.push({ state: story.state.ToJson(), decisions: decisions + 1, trail: [...trail, index] });
    });
  }
  if (endings.size < MIN_ENDINGS) problems.push(`only ${endings.size} distinct endings`);
  return {
    file,
    choice_points: seen.size,
    terminals,
    fewest_decisions: fewest,
    most_decisions: most,
    endings: [...endings].sort(),
    problems: problems.slice(0, 20),
  };
}

const results = process.argv.slice(2).map(walk);
process.stdout.write(JSON.stringify(results, null, 2) + "\n");
process.exit(results.some((r) => r.problems.length) ? 1 : 0);
