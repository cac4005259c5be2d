// Open a form's HTML page from disk, check that `required` blocks saving an empty form, fill
// it in (Chinese included), press "save" and store the downloaded JSON record.
// usage: node fill-form.mjs FORM.html OUT.json
import { launch } from "./browser.mjs";
import { pathToFileURL } from "node:url";

const [html, out] = process.argv.slice(2);
const browser = await launch();
try {
  const page = await browser.newPage({ acceptDownloads: true });
  await page.goto(pathToFileURL(html).href);
  const emptyIsValid = await page.$eval("#record", (form) => form.checkValidity());
  if (emptyIsValid) throw new Error("an empty form passed its required fields");
  await page.fill("[name=number]", "CA-2026-001");
  await page.fill("[name=issued]", "2026-11-27");
  await page.selectOption("[name=kind]", "纠正措施");
  await page.selectOption("[name=sources]", ["顾客投诉", "过程检验"]);
  await page.fill("[name=quantity]", "12");
  await page.check("[name=repeat]");
  await page.fill("[name=problem]", "订单 PO-778 外观划伤,不良率 3%");
  await page.fill("[name='actions.1.action']", "返工并全检");
  await page.fill("[name='actions.1.due']", "2026-12-05");
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("#save")]);
  await download.saveAs(out);
  console.log(`saved ${download.suggestedFilename()} to ${out}`);
} finally {
  await browser.close();
}
