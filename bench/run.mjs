/**
 * `npm run bench`: how big the builds are and how fast the form is, against a plain HTML form on the same page.
 * Prints a table, writes bench/results.json and bench/results.md, and says which budgets (issue: "Smaller and faster
 * than every comment widget") are met. Chrome or Chromium is found as for the tests (CHROME_PATH, or installed).
 */
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, totalmem } from 'node:os';
import { extname, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { launchChrome } from '../scripts/browser.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const BUDGET = JSON.parse(readFileSync('bench/budgets.json', 'utf8')).targets;
const SLOW = { latency: 150, throughput: (1.6 * 1024 * 1024) / 8, cpu: 4 };

const brotli = (buffer) => brotliCompressSync(buffer, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
const sizes = (path) => {
  const buffer = readFileSync(path);
  return { raw: buffer.length, gzip: gzipSync(buffer, { level: 9 }).length, brotli: brotli(buffer) };
};
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const range = (values) => `${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}`;

// ---- sizes -------------------------------------------------------------------------------------------------------

async function dependencyShares() {
  const result = await build({
    entryPoints: ['src/define.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    metafile: true,
    conditions: ['production'],
    splitting: true,
    outdir: 'bench/.tmp',
    logLevel: 'silent',
  });
  const [outputPath, output] = Object.entries(result.metafile.outputs).find(([, item]) => item.entryPoint);
  const groupOf = (path) => (path.includes('node_modules/zod') ? 'zod' : path.includes('node_modules/') ? 'lit' : 'news-comments');
  const raw = {};
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) raw[groupOf(path)] = (raw[groupOf(path)] ?? 0) + bytesInOutput;
  // Brotli cannot be split by module; each part gets the share of the compressed bundle that its bytes have.
  const total = Object.values(raw).reduce((a, b) => a + b, 0);
  const totalBrotli = brotli(Buffer.from(result.outputFiles.find((file) => file.path.endsWith(outputPath)).text));
  const shares = {};
  for (const [group, bytes] of Object.entries(raw)) shares[group] = { raw: bytes, brotliShare: Math.round((bytes / total) * totalBrotli) };
  return shares;
}

// ---- pages ---------------------------------------------------------------------------------------------------------

const article = readFileSync('demo/index.html', 'utf8').match(/<article>[\s\S]*<\/article>/)[0];
const page = (head, box) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>NATO ready for meaningful dialogue with Russia: Stoltenberg</title>
<style>body{font:18px/1.6 Georgia,serif;max-width:42rem;margin:0 auto;padding:1rem}</style>${head}</head>
<body>${article}<section>${box}</section></body></html>`;

// Both pages note when their comment box is on screen and usable, the same way: the first frame after it exists.
const elementPage = page(
  `<script type="module" src="/dist/news-comments.js"></script>
<script type="module">
  const element = document.querySelector('news-comments');
  await customElements.whenDefined('news-comments');
  await element.updateComplete;
  requestAnimationFrame(() => { window.formReady = performance.now(); });
</script>`,
  `<news-comments endpoint="/api/comments" article-id="bench" site-name="Daijiworld.com"></news-comments>`,
);
const plainPage = page(
  '',
  `<form method="post" action="/api/comments"><h2>Leave a Comment</h2>
<p><label>Title <input name="title" value="NATO ready for meaningful dialogue with Russia: Stoltenberg"></label></p>
<p><label>Comment <textarea name="comment" maxlength="2000" rows="8"></textarea></label></p>
<p>You have 2000 characters left.</p>
<p><label>Name <input name="name" autocomplete="name"></label></p>
<p><label>Email <input name="email" type="email" autocomplete="email"></label></p>
<p>Disclaimer: Please write your correct name and email address.</p><button>Send comment</button></form>
<script>requestAnimationFrame(() => { window.formReady = performance.now(); });</script>`,
);

function serve() {
  const types = { '.js': 'text/javascript', '.html': 'text/html', '.json': 'application/json' };
  const server = createServer((request, response) => {
    const path = new URL(request.url, 'http://x').pathname;
    if (path === '/element.html' || path === '/plain.html') {
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return response.end(path === '/element.html' ? elementPage : plainPage);
    }
    if (path.startsWith('/dist/')) {
      try {
        const body = readFileSync(join('.', path));
        response.writeHead(200, { 'Content-Type': types[extname(path)] ?? 'application/octet-stream', 'Cache-Control': 'no-store' });
        return response.end(body);
      } catch {
        // falls through to 404
      }
    }
    response.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- measurements ----------------------------------------------------------------------------------------------------

async function load(browser, url, slow) {
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  const cdp = await tab.createCDPSession();
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  if (slow) {
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: SLOW.latency,
      downloadThroughput: SLOW.throughput,
      uploadThroughput: SLOW.throughput,
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: SLOW.cpu });
  }
  await tab.evaluateOnNewDocument(() => {
    window.longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) window.longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: 'longtask', buffered: true });
  });
  await tab.goto(url, { waitUntil: 'load' });
  await tab.waitForFunction(() => window.formReady !== undefined, { timeout: 60_000 });
  const result = await tab.evaluate(() => ({
    ready: window.formReady,
    longTasks: window.longTasks.filter((task) => task.start < window.formReady).map((task) => task.duration),
  }));
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await context.close();
  return { ...result, heap: usedSize };
}

async function typingCost(browser, origin) {
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  const cdp = await tab.createCDPSession();
  await cdp.send('Performance.enable');
  await tab.goto(`${origin}/element.html`, { waitUntil: 'load' });
  await tab.waitForFunction(() => window.formReady !== undefined);
  const scriptTime = async () =>
    (await cdp.send('Performance.getMetrics')).metrics.find((metric) => metric.name === 'ScriptDuration').value * 1000;
  const perKeystroke = {};
  for (const length of [0, 1000, 2000]) {
    await tab.evaluate((length) => {
      const box = document.querySelector('news-comments').shadowRoot.querySelector('#comment');
      box.value = 'x'.repeat(Math.max(0, length - 20)) + (length ? 'नमस्ते 👍🏽 '.repeat(2) : '');
      box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      box.focus();
      box.setSelectionRange(box.value.length, box.value.length);
    }, length);
    await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    const keys = 40;
    const before = await scriptTime();
    for (let i = 0; i < keys; i++) await tab.keyboard.press(i % 10 === 9 ? 'Backspace' : 'a');
    await tab.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    // The pause-announcement timer fires once after typing stops; it is part of the cost and stays in.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    perKeystroke[length] = ((await scriptTime()) - before) / keys;
  }
  const paste = await tab.evaluate(async () => {
    const element = document.querySelector('news-comments');
    const box = element.shadowRoot.querySelector('#comment');
    const text = 'A long pasted letter with नमस्ते and ಕನ್ನಡ and 👍🏽 emoji. '.repeat(1800).slice(0, 100_000);
    const start = performance.now();
    box.value = text;
    box.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertFromPaste' }));
    await element.updateComplete;
    const end = performance.now();
    return { ms: end - start, counter: element.shadowRoot.querySelector('[part="counter"]').textContent.trim() };
  });
  await context.close();
  return { perKeystroke, paste };
}

// ---- the run ---------------------------------------------------------------------------------------------------------

const server = await serve();
const origin = `http://127.0.0.1:${server.address().port}`;
const browser = await launchChrome();
try {
  const builds = {
    'news-comments.js (ES module)': sizes('dist/news-comments.js'),
    'news-comments.iife.js (classic script)': sizes('dist/news-comments.iife.js'),
    'chunks/deferred.js (checks and sending, after the first paint)': sizes('dist/chunks/deferred.js'),
    'chunks/shared.js (zod and the contract, with deferred.js)': sizes('dist/chunks/shared.js'),
    'chunks/list.js (the published comments, when near)': sizes('dist/chunks/list.js'),
    'news-comments-count.js (counts for listings)': sizes('dist/news-comments-count.js'),
  };
  const shares = await dependencyShares();
  const timings = {};
  for (const profile of ['fast', 'slow']) {
    timings[profile] = { element: [], plain: [] };
    for (let run = 0; run < RUNS; run++) {
      // Alternating, so that drift in the machine's load falls on both alike.
      for (const variant of run % 2 ? ['plain', 'element'] : ['element', 'plain']) {
        timings[profile][variant].push(await load(browser, `${origin}/${variant}.html`, profile === 'slow'));
      }
    }
  }
  const typing = await typingCost(browser, origin);

  const ready = (profile, variant) => timings[profile][variant].map((run) => run.ready);
  const summary = {
    date: new Date().toISOString(),
    machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${await browser.version()}`,
    runs: RUNS,
    builds,
    dependencies: shares,
    ready: Object.fromEntries(
      ['fast', 'slow'].map((profile) => [
        profile,
        Object.fromEntries(['element', 'plain'].map((variant) => [variant, { median: median(ready(profile, variant)), range: range(ready(profile, variant)) }])),
      ]),
    ),
    longestTaskBeforeReady: {
      fast: Math.max(0, ...timings.fast.element.flatMap((run) => run.longTasks)),
      slow: Math.max(0, ...timings.slow.element.flatMap((run) => run.longTasks)),
      plainSlow: Math.max(0, ...timings.slow.plain.flatMap((run) => run.longTasks)),
    },
    heap: { element: median(timings.fast.element.map((run) => run.heap)), plain: median(timings.fast.plain.map((run) => run.heap)) },
    typing,
  };

  const moduleBrotli = builds['news-comments.js (ES module)'].brotli;
  const classicBrotli = builds['news-comments.iife.js (classic script)'].brotli;
  const deferredBrotli =
    builds['chunks/deferred.js (checks and sending, after the first paint)'].brotli +
    builds['chunks/shared.js (zod and the contract, with deferred.js)'].brotli;
  const listBrotli = builds['chunks/list.js (the published comments, when near)'].brotli;
  const countBrotli = builds['news-comments-count.js (counts for listings)'].brotli;
  const fast = summary.ready.fast;
  const slow = summary.ready.slow;
  const checks = [
    [`critical ES module ≤ ${BUDGET.criticalBrotli} B brotli`, `${moduleBrotli} B`, moduleBrotli <= BUDGET.criticalBrotli],
    [`critical classic script ≤ ${BUDGET.criticalBrotli} B brotli`, `${classicBrotli} B`, classicBrotli <= BUDGET.criticalBrotli],
    [`everything an English page loads for the form ≤ ${BUDGET.totalBrotli} B brotli`, `${moduleBrotli} + ${deferredBrotli} = ${moduleBrotli + deferredBrotli} B`, moduleBrotli + deferredBrotli <= BUDGET.totalBrotli],
    [`the list's own chunk ≤ ${BUDGET.listBrotli} B brotli`, `${listBrotli} B`, listBrotli <= BUDGET.listBrotli],
    [`<news-comments-count> ≤ ${BUDGET.countBrotli} B brotli`, `${countBrotli} B`, countBrotli <= BUDGET.countBrotli],
    [`form ready ≤ ${BUDGET.fastRatio}× plain form (no throttling)`, `${fast.element.median.toFixed(0)} ms vs ${fast.plain.median.toFixed(0)} ms (${(fast.element.median / fast.plain.median).toFixed(2)}×)`, fast.element.median <= fast.plain.median * BUDGET.fastRatio],
    [`form ready ≤ plain + RTT + ${BUDGET.slowExtraMs} ms (slow phone)`, `${slow.element.median.toFixed(0)} ms vs ${slow.plain.median.toFixed(0)} + ${SLOW.latency} + ${BUDGET.slowExtraMs} ms`, slow.element.median <= slow.plain.median + SLOW.latency + BUDGET.slowExtraMs],
    [`longest task before ready ≤ plain page's + ${BUDGET.longTaskOverPlainMs} ms (slow phone)`, `${summary.longestTaskBeforeReady.slow.toFixed(0)} ms vs ${summary.longestTaskBeforeReady.plainSlow.toFixed(0)} + ${BUDGET.longTaskOverPlainMs} ms`, summary.longestTaskBeforeReady.slow <= summary.longestTaskBeforeReady.plainSlow + BUDGET.longTaskOverPlainMs],
    [`keystroke ≤ ${BUDGET.keystrokeMs} ms script at 2,000 characters`, `${typing.perKeystroke[2000].toFixed(2)} ms`, typing.perKeystroke[2000] <= BUDGET.keystrokeMs],
    [`100 KB paste < ${BUDGET.pasteMs} ms`, `${typing.paste.ms.toFixed(1)} ms`, typing.paste.ms < BUDGET.pasteMs],
  ];
  summary.budgets = checks.map(([budget, measured, met]) => ({ budget, measured, met }));

  const lines = [
    `# Benchmark — ${summary.date}`,
    '',
    `Machine: ${summary.machine}. ${RUNS} alternating runs per variant and profile; slow phone = ${SLOW.latency} ms latency, 1.6 Mbps, ${SLOW.cpu}× CPU slowdown.`,
    '',
    '| Build | raw | gzip | brotli |',
    '| --- | ---: | ---: | ---: |',
    ...Object.entries(builds).map(([name, size]) => `| ${name} | ${size.raw} | ${size.gzip} | ${size.brotli} |`),
    '',
    '| Part of the ES module | minified | share of brotli |',
    '| --- | ---: | ---: |',
    ...Object.entries(shares).map(([name, share]) => `| ${name} | ${share.raw} | ≈ ${share.brotliShare} |`),
    '',
    '| Form visible and usable (ms from navigation) | news-comments median (range) | plain form median (range) |',
    '| --- | ---: | ---: |',
    ...['fast', 'slow'].map((profile) => `| ${profile === 'fast' ? 'no throttling' : 'slow phone'} | ${summary.ready[profile].element.median.toFixed(0)} (${summary.ready[profile].element.range}) | ${summary.ready[profile].plain.median.toFixed(0)} (${summary.ready[profile].plain.range}) |`),
    '',
    `Longest task before the form is ready: ${summary.longestTaskBeforeReady.fast.toFixed(0)} ms (no throttling), ${summary.longestTaskBeforeReady.slow.toFixed(0)} ms (slow phone; the plain form's page: ${summary.longestTaskBeforeReady.plainSlow.toFixed(0)} ms). JS heap after GC: ${(summary.heap.element / 1024).toFixed(0)} KiB with the element, ${(summary.heap.plain / 1024).toFixed(0)} KiB with the plain form.`,
    '',
    `Script per keystroke: ${Object.entries(typing.perKeystroke).map(([length, ms]) => `${ms.toFixed(2)} ms at ${length} characters`).join(', ')}. A 100 KB paste: ${typing.paste.ms.toFixed(1)} ms until the count shows "${typing.paste.counter}".`,
    '',
    '| Budget | Measured | Met |',
    '| --- | --- | --- |',
    ...summary.budgets.map(({ budget, measured, met }) => `| ${budget} | ${measured} | ${met ? 'yes' : '**no**'} |`),
  ];
  writeFileSync('bench/results.json', `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync('bench/results.md', `${lines.join('\n')}\n`);
  console.log(lines.join('\n'));
} finally {
  await browser.close();
  server.close();
}
