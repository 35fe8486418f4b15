// MDN HTTP Observatory on local ports (used by scripts/audit-security.sh). The package's scan()
// only knows ports 80 and 443, so this calls its retrieval (which takes ports and a path) and its
// tests, and scores them exactly as scan() does.
//
//   node scripts/observatory.mjs HOST HTTP_PORT HTTPS_PORT PATH [PATH ...]
//
// Prints one JSON line per path: {path, score, grade, tests: {name: {result, modifier, pass}}}.
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(
  import.meta.dirname,
  "../.tools/observatory/node_modules/@mdn/mdn-http-observatory/src",
);
const load = (file) => import(pathToFileURL(path.join(root, file)).href);
const { retrieve } = await load("retriever/retriever.js");
const { ALL_TESTS } = await load("constants.js");
const { MINIMUM_SCORE_FOR_EXTRA_CREDIT } = await load("grader/charts.js");
const { getGradeForScore, getScoreModifier } = await load("grader/grader.js");

const [host, httpPort, httpsPort, ...paths] = process.argv.slice(2);
for (const pagePath of paths) {
  const retrieved = await retrieve(host, { httpPort, httpsPort, path: pagePath });
  if (!retrieved.responses.auto) throw new Error(`${pagePath}: no answer from ${host}`);
  // As scan(): extra credit only once the score without it is an A.
  let withExtraCredit = 100;
  let uncurved = 100;
  const tests = {};
  for (const test of ALL_TESTS) {
    const output = test(retrieved);
    const modifier = getScoreModifier(output.result);
    withExtraCredit += modifier;
    if (modifier < 0) uncurved += modifier;
    tests[output.constructor.name.replace(/Output$/, "")] = { result: output.result, modifier, pass: output.pass };
  }
  const { score, grade } = getGradeForScore(uncurved >= MINIMUM_SCORE_FOR_EXTRA_CREDIT ? withExtraCredit : uncurved);
  console.log(JSON.stringify({ path: pagePath, status: retrieved.responses.auto.status, score, grade, tests }));
}
