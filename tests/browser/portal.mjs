// Drive the portal built from the shipped set, opened from disk (file://):
// search (Chinese), follow a 《…》 link, read the 被引用 list, open a PDF link, check that pages
// fit a phone's width; print what was seen as JSON. Screenshots go to SHOTS (a folder) if set.
// usage: node portal.mjs OUTPUT_DIR WORD[,WORD…] DOC_PAGE CITED_TITLE
import { launch } from "./browser.mjs";
import { pathToFileURL } from "node:url";
import { readFileSync } from "node:fs";
import { join } from "node:path";

const [out, words, docPage, citedTitle] = process.argv.slice(2);
const shots = process.env.SHOTS;
const url = (p) => pathToFileURL(join(out, p)).href;
const seen = {};
const browser = await launch();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  await page.goto(url("index.html"));
  seen.total = await page.locator("#list tbody tr").count();
  seen.search = {};
  for (const word of words.split(",")) {
    await page.fill("#q", word);
    seen.search[word] = await page.$$eval("#list tbody tr:not(.hidden)", (rows) => rows.map((r) => r.cells[0].textContent.trim()));
  }
  await page.fill("#q", "");
  await page.selectOption("#kind", "form");
  seen.forms = await page.locator("#list tbody tr:not(.hidden)").count();
  await page.selectOption("#kind", "");
  if (shots) await page.screenshot({ path: join(shots, "portal-index.png") });

  await page.goto(url(docPage));
  seen.docTitle = await page.title();
  const link = page.locator("a.cite", { hasText: `《${citedTitle}》` }).first();
  await link.click();
  await page.waitForLoadState();
  seen.landedTitle = await page.title();
  seen.landedUrl = page.url();
  seen.citedBy = await page.$$eval("ul.cited-by li a", (links) => links.map((a) => a.textContent.trim()));
  if (shots) await page.screenshot({ path: join(shots, "portal-document.png"), fullPage: false });

  // The PDF link: Chromium opens it in its viewer (or downloads it); report where it went.
  seen.pdfHref = await page.getAttribute("nav.top a:text-is('PDF')", "href");
  const download = page.waitForEvent("download", { timeout: 15000 }).then((d) => ({ download: d })).catch(() => null);
  const navigation = page.waitForURL(/\.pdf$/, { timeout: 15000 }).then(() => ({ url: page.url() })).catch(() => null);
  await page.click("nav.top a:text-is('PDF')");
  const got = await Promise.race([download, navigation]);
  if (got && got.download) {
    const file = join(out, "downloaded.pdf");
    await got.download.saveAs(file);
    seen.pdfOpened = pathToFileURL(file).href;
  } else if (got) {
    seen.pdfOpened = got.url;
  }

  const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
  for (const p of ["index.html", docPage]) {
    await phone.goto(url(p));
    const fits = await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
    seen[`phoneFits:${p}`] = fits;
  }
  if (shots) await phone.screenshot({ path: join(shots, "portal-phone.png") });
  console.log(JSON.stringify(seen));
} finally {
  await browser.close();
}
