// Drive `docctl serve`: open a document page, edit the step text in its YAML file, and time how
// long the page takes to show the new text without a manual reload; then break the YAML and read
// the error box the page shows. Prints what was seen as JSON.
// usage: node serve.mjs PAGE_URL YAML_FILE OLD_TEXT NEW_TEXT
import { launch } from "./browser.mjs";
import { readFileSync, writeFileSync } from "node:fs";

const [url, yamlFile, oldText, newText] = process.argv.slice(2);
const seen = {};
const browser = await launch();
// Wait until the page (reloading itself or not) satisfies `test`; return ms waited or -1.
const waitFor = async (page, test, arg, timeout) => {
  const start = Date.now();
  while (Date.now() - start < timeout) {
    try {
      if (await page.evaluate(test, arg)) return Date.now() - start;
    } catch (e) {
      // The page is reloading: its old context is gone.
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return -1;
};
try {
  const page = await browser.newPage();
  let navigations = 0;
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) navigations += 1; });
  await page.goto(url);
  seen.before = await page.evaluate((t) => document.body.innerText.includes(t), oldText);
  navigations = 0;
  const yaml = readFileSync(yamlFile, "utf8");
  writeFileSync(yamlFile, yaml.replace(oldText, newText));
  seen.shownAfterMs = await waitFor(page, (t) => document.body.innerText.includes(t), newText, 15000);
  seen.reloadedItself = navigations;
  const broken = yaml.replace(oldText, newText).replace(/^title: .*$/m, "title: 'unclosed $&");
  writeFileSync(yamlFile, broken);
  // The box may first show an intermediate state of the save (an empty file); wait for the
  // syntax error itself.
  const boxMs = await waitFor(page, () => (document.getElementById("docctl-serve-errors")?.textContent ?? "").includes("yaml-syntax"), null, 15000);
  seen.errorShownAfterMs = boxMs;
  seen.errorBox = boxMs < 0 ? null : await page.evaluate(() => document.getElementById("docctl-serve-errors").textContent);
  writeFileSync(yamlFile, yaml.replace(oldText, newText));
  seen.errorGoneAfterMs = await waitFor(page, () => !document.getElementById("docctl-serve-errors"), null, 15000);
} finally {
  await browser.close();
}
console.log(JSON.stringify(seen));
